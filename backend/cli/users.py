"""``groundwork users``: create people who log in with a password."""

from __future__ import annotations

from typing import Annotated

import typer
from pydantic import ValidationError

from backend.auth import service
from backend.auth.schemas import UserCreate
from backend.cli._context import describe, fail, info, load_settings, open_database, unit_of_work
from backend.core.errors import AppError

app = typer.Typer(help="Manage users.", no_args_is_help=True)


@app.command("create")
def create(
    email: Annotated[str, typer.Option(help="login email")],
    name: Annotated[str | None, typer.Option(help="display name (default: the email's local part)")] = None,
    password: Annotated[str | None, typer.Option(
        help="password (at least 8 characters); asked for, hidden and twice, when left out")] = None,
    superuser: Annotated[bool, typer.Option("--superuser", help="an instance administrator")] = False,
) -> None:
    """Create a user; prints the new user's id."""
    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        data = UserCreate(email=email, name=name or email.split("@")[0], password=password,
                          is_superuser=superuser)
    except ValidationError as exc:
        fail(describe(exc), code=2)
    settings = load_settings()
    with open_database(settings) as engine:
        try:
            with unit_of_work(engine) as session:
                user = service.create_user(session, data)
        except AppError as exc:
            fail(exc.message)
    info(f"created {'instance administrator' if user.is_superuser else 'user'} {user.email}")
    typer.echo(user.id)
