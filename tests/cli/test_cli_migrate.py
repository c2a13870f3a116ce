"""``groundwork migrate`` on a fresh embedded (SQLite) data directory."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result
from sqlalchemy import create_engine, inspect
from typer.main import get_command

from backend.cli.main import app as cli_app
from backend.config import get_settings
from backend.migrations.runner import head_revision


def _run(data_dir: Path, *args: str) -> Result:
    env = {"GROUNDWORK_DATA_DIR": str(data_dir), "GROUNDWORK_DATABASE_URL": None, "GROUNDWORK_ENV": "test"}
    try:
        return CliRunner().invoke(get_command(cli_app), list(args), env=env, catch_exceptions=False)
    finally:
        get_settings.cache_clear()


def test_migrate_then_check_on_fresh_sqlite(tmp_path: Path) -> None:
    data = tmp_path / "data"
    before = _run(data, "migrate", "--check")
    assert before.exit_code == 1
    assert f"at nothing, code expects {head_revision()}" in before.stderr

    done = _run(data, "migrate")
    assert done.exit_code == 0, done.output
    db = data / "groundwork.db"
    assert db.exists()
    engine = create_engine(f"sqlite:///{db}")
    try:
        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert {"users", "projects", "files", "tasks", "alembic_version"} <= tables

    after = _run(data, "migrate", "--check")
    assert after.exit_code == 0
    assert "up to date" in after.stdout
    assert _run(data, "migrate").exit_code == 0  # idempotent
