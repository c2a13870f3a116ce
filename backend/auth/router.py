"""HTTP: login/logout, the current user, users (instance admins), personal API tokens."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request, Response, status

from backend.auth import repository, service
from backend.auth.deps import SESSION_COOKIE, CurrentUser, Superuser
from backend.auth.schemas import (
    LoginRequest,
    TokenCreate,
    TokenCreated,
    TokenRead,
    UserCreate,
    UserRead,
    UserUpdate,
)
from backend.core.deps import SessionDep, SettingsDep
from backend.core.pagination import Page, PageDep, make_page

router = APIRouter(tags=["auth"])


@router.post("/auth/login", response_model=UserRead, summary="Log in (sets an HTTP-only session cookie)")
def login(body: LoginRequest, request: Request, response: Response, session: SessionDep,
          settings: SettingsDep) -> UserRead:
    """Check email and password; on success set the ``gw_session`` cookie. Rate-limited."""
    ip = request.client.host if request.client else "unknown"
    request.app.state.login_throttle.hit(ip, body.email)
    user = service.authenticate(session, body.email, body.password)
    ttl = timedelta(hours=settings.session_ttl_hours)
    new = service.start_session(session, user, settings.secret_key, ttl,
                                request.headers.get("user-agent"), ip)
    response.set_cookie(SESSION_COOKIE, new.cookie_value, max_age=int(ttl.total_seconds()), httponly=True,
                        samesite="lax", secure=settings.cookie_secure, path="/")
    return UserRead.model_validate(user)


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT, summary="Log out this browser")
def logout(request: Request, response: Response, session: SessionDep, settings: SettingsDep) -> None:
    """End the browser session named by the cookie (if any) and clear the cookie."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        service.end_session(session, settings.secret_key, cookie)
    response.delete_cookie(SESSION_COOKIE, path="/")


@router.get("/auth/me", response_model=UserRead, summary="The calling user")
def me(user: CurrentUser) -> UserRead:
    return UserRead.model_validate(user)


@router.patch("/auth/me", response_model=UserRead, summary="Change one's name or password")
def update_me(body: UserUpdate, user: CurrentUser, session: SessionDep) -> UserRead:
    return UserRead.model_validate(service.update_user(session, user, body))


@router.post("/users", response_model=UserRead, status_code=status.HTTP_201_CREATED,
             summary="Create a user (instance administrators)")
def create_user(body: UserCreate, _: Superuser, session: SessionDep) -> UserRead:
    return UserRead.model_validate(service.create_user(session, body))


@router.get("/users", response_model=Page[UserRead], summary="List users (instance administrators)")
def list_users(_: Superuser, session: SessionDep, page: PageDep) -> Page[UserRead]:
    rows = repository.list_users(session, page.after, page.limit + 1)
    return make_page(rows, page, UserRead.model_validate, lambda u: u.id)


@router.post("/tokens", response_model=TokenCreated, status_code=status.HTTP_201_CREATED,
             summary="Create a personal API token (the secret is shown once)")
def create_token(body: TokenCreate, user: CurrentUser, session: SessionDep,
                 settings: SettingsDep) -> TokenCreated:
    new = service.create_token(session, user, body, settings.secret_key)
    return TokenCreated(**TokenRead.model_validate(new.record).model_dump(), token=new.secret)


@router.get("/tokens", response_model=Page[TokenRead], summary="List one's API tokens (no secrets)")
def list_tokens(user: CurrentUser, session: SessionDep, page: PageDep) -> Page[TokenRead]:
    rows = repository.tokens_of(session, user.id, page.after, page.limit + 1)
    return make_page(rows, page, TokenRead.model_validate, lambda t: t.id)


@router.delete("/tokens/{token_id}", response_model=TokenRead, summary="Revoke one of one's tokens")
def revoke_token(token_id: int, user: CurrentUser, session: SessionDep) -> TokenRead:
    return TokenRead.model_validate(service.revoke_token(session, user, token_id))
