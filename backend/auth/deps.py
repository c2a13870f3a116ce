"""Who is calling: a bearer token (API, SDK, services) or a session cookie (browser)."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import BackgroundTasks, Depends, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session, sessionmaker

from backend.auth import service
from backend.auth.models import ApiToken, User
from backend.config import Settings
from backend.core.db import transaction
from backend.core.deps import SessionDep, SettingsDep
from backend.core.errors import Forbidden, Unauthorized
from backend.core.types import utcnow

log = logging.getLogger(__name__)

SESSION_COOKIE = "gw_session"

_bearer = HTTPBearer(auto_error=False, description="a personal or service API token")
_cookie = APIKeyCookie(name=SESSION_COOKIE, auto_error=False, description="browser session")

TOKEN_TOUCH_EVERY = timedelta(minutes=5)
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_READONLY = frozenset({"GET", "HEAD", "OPTIONS"})  # the methods served by a read-only session


def _check_same_origin(request: Request) -> None:
    # Cookie-authenticated writes must come from our own pages. SameSite=Lax already keeps the
    # cookie off cross-site POSTs in current browsers; this closes the gap for older ones.
    origin = request.headers.get("origin")
    if request.method in _UNSAFE and origin and urlsplit(origin).netloc != request.headers.get("host"):
        raise Forbidden("cross-origin request refused")


BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
SessionCookieDep = Annotated[str | None, Depends(_cookie)]


def current_user(request: Request, session: SessionDep, settings: SettingsDep, background: BackgroundTasks,
                 bearer: BearerDep, cookie: SessionCookieDep) -> User:
    """The authenticated user, or 401."""
    return authenticate(request, session, settings, background, bearer, cookie)


def authenticate(request: Request, session: Session, settings: Settings, background: BackgroundTasks,
                 bearer: HTTPAuthorizationCredentials | None, cookie: str | None) -> User:
    """``current_user``'s work, for dependencies that authenticate in their own call (one worker-thread hop less)."""
    if bearer is not None:
        found = service.token_for_bearer(session, settings.secret_key, bearer.credentials)
        if found is None:
            raise Unauthorized("invalid, expired or revoked token", headers={"WWW-Authenticate": "Bearer"})
        token, user = found
        if not user.is_active:
            raise Unauthorized("token owner is disabled", headers={"WWW-Authenticate": "Bearer"})
        if token.last_used_at is None or utcnow() - token.last_used_at > TOKEN_TOUCH_EVERY:
            if request.method in _READONLY:
                background.add_task(_touch, request.app.state.session_factory, token.id)
            else:
                # A write request already holds SQLite's write lock: a second transaction would
                # wait for it (busy_timeout) and stall the request. Record the use in this one.
                service.touch_if_stale(session, token, TOKEN_TOUCH_EVERY)
        return user
    if cookie:
        by_cookie = service.user_for_cookie(session, settings.secret_key, cookie)
        if by_cookie is not None:
            _check_same_origin(request)
            return by_cookie
    raise Unauthorized("authentication required", headers={"WWW-Authenticate": "Bearer"})


def _touch(factory: sessionmaker[Session], token_id: int) -> None:
    # After the response, best effort: the request's own transaction (a read, or holding SQLite's
    # write lock) must neither turn into a write nor wait on a second one.
    try:
        with transaction(factory) as s:
            token = s.get(ApiToken, token_id)
            if token is not None:
                service.touch_if_stale(s, token, TOKEN_TOUCH_EVERY)
    except Exception:  # never fail a request over bookkeeping
        log.debug("could not record token use", exc_info=True)


def superuser(user: Annotated[User, Depends(current_user)]) -> User:
    """The caller, who must be an instance administrator."""
    if not user.is_superuser:
        raise Forbidden("instance administrators only")
    return user


CurrentUser = Annotated[User, Depends(current_user)]
Superuser = Annotated[User, Depends(superuser)]
