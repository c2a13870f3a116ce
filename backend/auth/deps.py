"""Who is calling: a bearer token (API, SDK, services) or a session cookie (browser)."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from backend.auth import service
from backend.auth.models import ApiToken, User
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


def _check_same_origin(request: Request) -> None:
    # Cookie-authenticated writes must come from our own pages. SameSite=Lax already keeps the
    # cookie off cross-site POSTs in current browsers; this closes the gap for older ones.
    origin = request.headers.get("origin")
    if request.method in _UNSAFE and origin and urlsplit(origin).netloc != request.headers.get("host"):
        raise Forbidden("cross-origin request refused")


def current_user(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    cookie: Annotated[str | None, Depends(_cookie)],
) -> User:
    """The authenticated user, or 401."""
    if bearer is not None:
        token = service.token_for_bearer(session, settings.secret_key, bearer.credentials)
        if token is None:
            raise Unauthorized("invalid, expired or revoked token", headers={"WWW-Authenticate": "Bearer"})
        user = session.get(User, token.user_id)
        if user is None or not user.is_active:
            raise Unauthorized("token owner is disabled", headers={"WWW-Authenticate": "Bearer"})
        if token.last_used_at is None or utcnow() - token.last_used_at > TOKEN_TOUCH_EVERY:
            _touch(request, token.id)
        return user
    if cookie:
        user = service.user_for_cookie(session, settings.secret_key, cookie)
        if user is not None:
            _check_same_origin(request)
            return user
    raise Unauthorized("authentication required", headers={"WWW-Authenticate": "Bearer"})


def _touch(request: Request, token_id: int) -> None:
    # Out of band, best effort: a read request must not turn into a write transaction.
    try:
        with transaction(request.app.state.session_factory) as s:
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
