"""``groundwork serve``: pre-flight (migrations, first admin, demo), then the API under uvicorn."""

from __future__ import annotations

import os
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from backend.auth import repository as users
from backend.auth import service as auth_service
from backend.auth.schemas import UserCreate
from backend.cli._context import fail, info, load_settings, open_database, safe_url, unit_of_work
from backend.config import Settings
from backend.core.errors import Conflict
from backend.demo.loader import DEFAULT_OWNER, DemoResult, load_demo
from backend.migrations import runner

ADMIN_EMAIL = DEFAULT_OWNER
PASSWORD_FILE = "admin-password.txt"  # noqa: S105 (a file name, not a password)


class NotMigrated(Exception):
    """The database schema is not the one this code expects."""


def prepare_database(settings: Settings, engine: Engine) -> None:
    """Embedded SQLite migrates itself; a server database must be migrated on purpose, so refuse it."""
    if settings.is_sqlite:
        runner.upgrade(engine)
        return
    current, head = runner.current_revision(engine), runner.head_revision()
    if current != head:
        raise NotMigrated(f"database is not migrated (at {current or 'nothing'}, code expects {head}): "
                          "run `groundwork migrate`")


@dataclass(frozen=True)
class AdminStatus:
    """Whether this start created the first administrator, and where its password is."""

    created: bool
    password: str | None
    password_file: Path


def write_secret_file(path: Path, content: str) -> None:
    """Write a file only its owner can read (mode 0600, also when it existed before)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, content.encode())
    finally:
        os.close(fd)


def ensure_admin(settings: Settings, engine: Engine) -> AdminStatus:
    """On first start (no users at all) create admin@localhost with a random password, saved 0600."""
    path = settings.data_dir / PASSWORD_FILE
    password = secrets.token_urlsafe(15)
    try:
        with unit_of_work(engine) as session:
            if users.any_user(session):
                return AdminStatus(created=False, password=None, password_file=path)
            auth_service.create_user(session, UserCreate(email=ADMIN_EMAIL, name="Administrator",
                                                         password=password, is_superuser=True))
    except Conflict:  # another process created it at the same moment
        return AdminStatus(created=False, password=None, password_file=path)
    try:
        write_secret_file(path, password + "\n")
    except OSError as exc:  # a read-only data directory: the password is still printed once
        info(f"warning: could not write {path}: {exc}")
    return AdminStatus(created=True, password=password, password_file=path)


@dataclass(frozen=True)
class Preflight:
    """What happened before the server starts."""

    admin: AdminStatus
    demo: DemoResult | None


def preflight(settings: Settings, *, demo: bool) -> Preflight:
    """Everything ``serve`` does before uvicorn starts; exits with a clear message when it cannot."""
    with open_database(settings) as engine:
        try:
            prepare_database(settings, engine)
            admin = ensure_admin(settings, engine)
        except NotMigrated as exc:
            fail(str(exc))
        except OperationalError as exc:
            fail(f"cannot reach the database at {safe_url(settings)}: {exc.orig or exc}")
    result = None
    if demo:
        info("Loading the demo project (first start only)…")
        try:
            result = load_demo(settings, only_if_no_projects=True)
        except Exception as exc:  # the server is still useful without the demo
            info(f"warning: the demo project was not loaded: {exc}")
    return Preflight(admin=admin, demo=result)


def _cli() -> str:
    """How the user should type this command again (a relative path when run from a checkout)."""
    argv0 = Path(sys.argv[0])
    if argv0.name != "groundwork":
        return "groundwork"
    if not argv0.is_absolute():
        return str(argv0)
    try:
        return str(argv0.relative_to(Path.cwd()))
    except ValueError:
        return "groundwork"


def banner(settings: Settings, pre: Preflight) -> str:
    """The lines telling a person where the server is and how to get in."""
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host  # noqa: S104
    url = (settings.public_url or f"http://{host}:{settings.port}").rstrip("/")
    lines = ["", f"Groundwork is starting on {url}",
             f"  API docs:   {url}/docs",
             f"  database:   {safe_url(settings)}"]
    admin = pre.admin
    if admin.created:
        lines += [f"  log in:     {ADMIN_EMAIL} / {admin.password}",
                  f"              (first start: this password is also in {admin.password_file}, mode 0600)"]
    elif admin.password_file.exists():
        lines.append(f"  log in:     {ADMIN_EMAIL}, password in {admin.password_file}")
    else:
        lines.append("  log in:     with your account (create one: "
                     f"{_cli()} users create --email you@example.com --superuser)")
    lines += [f"  API token:  {_cli()} tokens create --email {ADMIN_EMAIL}",
              f"              then: curl -H 'Authorization: Bearer <token>' {url}/api/v1/auth/me"]
    if pre.demo is not None and pre.demo.loaded:
        d = pre.demo
        lines.append(f"  demo:       project \"Demo\" loaded: {d.images} images, {d.texts} texts, "
                     f"{d.schemas} label schemas, {d.tasks} tasks")
    lines.append("")
    return "\n".join(lines)


def serve(
    host: Annotated[str | None, typer.Option(help="interface to listen on [default: GROUNDWORK_HOST]")] = None,
    port: Annotated[int | None, typer.Option(help="port [default: GROUNDWORK_PORT]")] = None,
    reload: Annotated[bool, typer.Option("--reload", help="restart when the code changes (development)")] = False,
    demo: Annotated[bool, typer.Option("--demo/--no-demo", help="load the demo project if there is no project")
                    ] = False,
    setup_only: Annotated[bool, typer.Option(
        "--setup-only", help="do the pre-flight (migrate, first admin, demo), print how to log in, and exit")
    ] = False,
) -> None:
    """Start the platform: migrate SQLite (refuse an unmigrated server database), create the first admin, serve."""
    settings = load_settings()
    updates = {k: v for k, v in (("host", host), ("port", port)) if v is not None}
    if updates:
        settings = settings.model_copy(update=updates)
    pre = preflight(settings, demo=demo)
    typer.echo(banner(settings, pre))
    if setup_only:
        return

    import uvicorn

    if reload:  # the reloader imports the app by name, so the factory must see the same host and port
        os.environ["GROUNDWORK_HOST"], os.environ["GROUNDWORK_PORT"] = settings.host, str(settings.port)
        uvicorn.run("backend.app:create_app", factory=True, host=settings.host, port=settings.port,
                    reload=True, reload_dirs=[str(Path(__file__).resolve().parents[1])])
        return
    from backend.app import create_app
    from backend.cli.embedded_worker import embedded_worker

    with embedded_worker(settings):
        uvicorn.run(create_app(settings), host=settings.host, port=settings.port)
