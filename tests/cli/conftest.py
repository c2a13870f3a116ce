"""Run the ``groundwork`` CLI in-process against the test database (SQLite or PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from typer.main import get_command

from backend.cli.main import app as cli_app
from backend.config import Settings, get_settings

RunCli = Callable[..., Result]


def cli_env(settings: Settings, data_dir: Path) -> dict[str, str | None]:
    """Environment that points the CLI at the same database as ``settings``, with its own data directory."""
    return {
        "GROUNDWORK_ENV": "test",
        "GROUNDWORK_DATABASE_URL": settings.resolved_database_url,
        "GROUNDWORK_DATA_DIR": str(data_dir),
        "GROUNDWORK_SECRET_KEY": settings.secret_key,
        "GROUNDWORK_HOST": None,
        "GROUNDWORK_PORT": None,
    }


def invoke(env: dict[str, str | None], *args: str, input: str | None = None) -> Result:
    """Invoke ``groundwork ARGS`` with this environment; the settings cache is left clean."""
    try:
        return CliRunner().invoke(get_command(cli_app), list(args), env=env, input=input,
                                  catch_exceptions=False)
    finally:
        get_settings.cache_clear()


@pytest.fixture
def cli_data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def run_cli(settings: Settings, engine: object, cli_data_dir: Path) -> RunCli:
    """``run_cli("users", "create", ...)`` on the test database; returns click's Result."""
    env = cli_env(settings, cli_data_dir)

    def _run(*args: str, input: str | None = None) -> Result:
        return invoke(env, *args, input=input)

    return _run
