"""On PostgreSQL, ``serve`` refuses a database that is not migrated, and ``migrate`` fixes it.

Uses a throw-away database on the PostgreSQL server of GROUNDWORK_TEST_DATABASE_URL, or the local
one at 127.0.0.1:5432. Without a reachable server the test is skipped, except in CI where it fails.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner, Result
from sqlalchemy import make_url
from typer.main import get_command

from backend.cli.main import app as cli_app
from backend.config import get_settings
from backend.migrations.runner import head_revision

SERVER_URL = os.environ.get("GROUNDWORK_TEST_DATABASE_URL") or "postgresql://postgres@127.0.0.1:5432/postgres"


def _admin_conninfo() -> str:
    url = make_url(SERVER_URL).set(drivername="postgresql", database="postgres")
    return url.render_as_string(hide_password=False)


@pytest.fixture
def unmigrated_db() -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database, dropped afterwards."""
    name = f"gw_unmigrated_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(_admin_conninfo(), autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no PostgreSQL server reachable: {exc}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield make_url(SERVER_URL).set(drivername="postgresql", database=name).render_as_string(False)
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _run(url: str, data_dir: Path, *args: str) -> Result:
    env = {"GROUNDWORK_DATABASE_URL": url, "GROUNDWORK_DATA_DIR": str(data_dir), "GROUNDWORK_ENV": "test"}
    try:
        return CliRunner().invoke(get_command(cli_app), list(args), env=env, catch_exceptions=False)
    finally:
        get_settings.cache_clear()


def test_serve_refuses_unmigrated_postgres_until_migrated(unmigrated_db: str, tmp_path: Path) -> None:
    head = head_revision()
    refused = _run(unmigrated_db, tmp_path, "serve", "--setup-only")
    assert refused.exit_code == 1
    assert (f"database is not migrated (at nothing, code expects {head}): run `groundwork migrate`"
            in refused.stderr)
    assert not (tmp_path / "admin-password.txt").exists()  # nothing was done to it

    check = _run(unmigrated_db, tmp_path, "migrate", "--check")
    assert check.exit_code == 1
    assert "not migrated" in check.stderr

    assert _run(unmigrated_db, tmp_path, "migrate").exit_code == 0
    assert _run(unmigrated_db, tmp_path, "migrate", "--check").exit_code == 0

    started = _run(unmigrated_db, tmp_path, "serve", "--setup-only")
    assert started.exit_code == 0, started.output
    assert "admin@localhost / " in started.stdout
    assert (tmp_path / "admin-password.txt").exists()


def test_downgrade_to_base_then_check_fails(unmigrated_db: str, tmp_path: Path) -> None:
    assert _run(unmigrated_db, tmp_path, "migrate").exit_code == 0
    assert _run(unmigrated_db, tmp_path, "migrate", "--downgrade", "base").exit_code == 0
    check = _run(unmigrated_db, tmp_path, "migrate", "--check")
    assert check.exit_code == 1
    assert "at nothing" in check.stderr
