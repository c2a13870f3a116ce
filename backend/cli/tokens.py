"""``groundwork tokens``: API tokens for people and for services (printed once, on stdout alone)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import typer
from pydantic import ValidationError

from backend.auth import repository, service
from backend.auth.schemas import TokenCreate
from backend.cli._context import describe, fail, info, load_settings, open_database, unit_of_work
from backend.core.errors import AppError
from backend.core.types import utcnow

app = typer.Typer(help="Manage API tokens.", no_args_is_help=True)


@app.command("create")
def create(
    email: Annotated[str | None, typer.Option(help="the user the token acts as")] = None,
    service_name: Annotated[str | None, typer.Option(
        "--service", metavar="NAME",
        help="a service account (created if missing) instead of a user, e.g. workflow-service")] = None,
    name: Annotated[str, typer.Option(help="what the token is for")] = "cli",
    expires_days: Annotated[int | None, typer.Option(min=1, help="expire after N days (default: never)")] = None,
) -> None:
    """Create a token and print only its secret, so scripts can capture it: TOKEN=$(groundwork tokens create ...)."""
    if (email is None) == (service_name is None):
        fail("give exactly one of --email or --service", code=2)
    expires_at = utcnow() + timedelta(days=expires_days) if expires_days else None
    try:
        data = TokenCreate(name=name, expires_at=expires_at)
    except ValidationError as exc:
        fail(describe(exc), code=2)
    settings = load_settings()
    with open_database(settings) as engine:
        try:
            with unit_of_work(engine) as session:
                if service_name is not None:
                    user = service.create_service_account(session, service_name)
                else:
                    found = repository.user_by_email(session, (email or "").strip().lower())
                    if found is None:
                        fail(f"no user with email {email}")
                    if not found.is_active:
                        fail(f"user {email} is deactivated")
                    user = found
                token = service.create_token(session, user, data, settings.secret_key)
        except AppError as exc:
            fail(exc.message)
    info(f"token {token.record.prefix}… for {user.email}"
         + (f", expires {expires_at:%Y-%m-%d}" if expires_at else "") + " (shown once):")
    typer.echo(token.secret)
