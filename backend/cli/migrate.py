"""``groundwork migrate``: bring the database schema to the code's revision, or check that it is."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy.exc import OperationalError

from backend.cli._context import fail, info, load_settings, open_database, safe_url
from backend.migrations import runner


def migrate(
    revision: Annotated[str, typer.Option(help="revision to upgrade to")] = "head",
    check: Annotated[bool, typer.Option("--check", help="only check: exit 1 unless at the newest revision")] = False,
    downgrade: Annotated[str | None, typer.Option(
        metavar="REV", help="step back to REV instead (`base`: drop everything)")] = None,
) -> None:
    """Migrate the configured database (SQLite under the data directory, or GROUNDWORK_DATABASE_URL)."""
    settings = load_settings()
    with open_database(settings) as engine:
        try:
            head = runner.head_revision()
            if check:
                current = runner.current_revision(engine)
                if current != head:
                    fail(f"database is not migrated (at {current or 'nothing'}, code expects {head}): "
                         "run `groundwork migrate`")
                typer.echo(f"database is at {head} (up to date)")
                return
            if downgrade is not None:
                runner.downgrade(engine, downgrade)
            else:
                runner.upgrade(engine, revision)
            info(f"{safe_url(settings)} is now at {runner.current_revision(engine) or 'base (empty)'}")
        except OperationalError as exc:
            fail(f"cannot reach the database at {safe_url(settings)}: {exc.orig or exc}")
