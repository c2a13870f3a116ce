"""What every command needs: the settings, the database, a unit of work, and a clear way to fail."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import typer
from pydantic import ValidationError
from sqlalchemy import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from backend.config import Settings, get_settings
from backend.core.db import make_engine, make_session_factory, transaction


def fail(message: str, code: int = 1) -> NoReturn:
    """Print ``error: message`` on stderr and exit with ``code``."""
    typer.secho(f"error: {message}", err=True, fg=typer.colors.RED)
    raise typer.Exit(code)


def info(message: str) -> None:
    """A progress line on stderr, so that stdout stays clean for what scripts capture."""
    typer.echo(message, err=True)


def describe(exc: ValidationError) -> str:
    """One line naming each invalid field."""
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'input'}: {e['msg']}" for e in exc.errors())


def load_settings() -> Settings:
    """The settings from the environment, read afresh (an invalid one is a clear error, not a trace)."""
    get_settings.cache_clear()
    try:
        return get_settings()
    except ValidationError as exc:
        fail(f"invalid settings: {describe(exc)}", code=2)


def safe_url(settings: Settings) -> str:
    """The database URL with any password hidden."""
    return make_url(settings.resolved_database_url).render_as_string(hide_password=True)


@contextmanager
def open_database(settings: Settings) -> Iterator[Engine]:
    """An engine for the configured database, disposed afterwards."""
    engine = make_engine(settings)
    try:
        yield engine
    finally:
        engine.dispose()


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    """One transaction: committed if the block succeeds, rolled back if it raises."""
    factory: sessionmaker[Session] = make_session_factory(engine)
    with transaction(factory) as session:
        yield session
