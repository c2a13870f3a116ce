"""Request-scoped dependencies shared by every router: settings and the database session."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from backend.config import Settings


async def get_settings_dep(request: Request) -> Settings:
    """The settings the app was built with (async: FastAPI would run a plain function on a worker thread)."""
    settings: Settings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    """One session per request: committed when the handler returns, rolled back if it raises.

    Declared with ``scope="function"`` so the commit happens before the response is sent: a client
    never sees success for a write that then failed to commit.
    """
    readonly = request.method in ("GET", "HEAD", "OPTIONS")
    factory = request.app.state.read_session_factory if readonly else request.app.state.session_factory
    session: Session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
