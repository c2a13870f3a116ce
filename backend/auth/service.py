"""Users, login sessions and API tokens: the rules, no HTTP."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.auth import repository
from backend.auth.models import ApiToken, BrowserSession, User, UserKind
from backend.auth.schemas import TokenCreate, UserCreate, UserUpdate
from backend.auth.security import (
    DUMMY_HASH,
    PERSONAL_TOKEN_PREFIX,
    SERVICE_TOKEN_PREFIX,
    hash_password,
    new_secret,
    secret_hash,
    verify_password,
)
from backend.core.errors import Conflict, NotFound, Unauthorized, ValidationFailed
from backend.core.types import utcnow


def create_user(session: Session, data: UserCreate) -> User:
    """A new human user; a taken email is a 409 on ``email``."""
    if repository.user_by_email(session, data.email) is not None:
        raise Conflict("a user with this email already exists", field="body.email")
    user = User(email=data.email, name=data.name, password_hash=hash_password(data.password),
                kind=UserKind.human, is_superuser=data.is_superuser)
    session.add(user)
    try:
        session.flush()
    except IntegrityError as exc:  # a concurrent create with the same email
        raise Conflict("a user with this email already exists", field="body.email") from exc
    return user


def create_service_account(session: Session, name: str) -> User:
    """A token-only account for a service such as the workflow service (editor on every project)."""
    email = f"{name}@service.groundwork"
    existing = repository.user_by_email(session, email)
    if existing is not None:
        return existing
    user = User(email=email, name=name, password_hash=None, kind=UserKind.service)
    session.add(user)
    session.flush()
    return user


def update_user(session: Session, user: User, data: UserUpdate) -> User:
    """Change one's name or password (a new password needs the current one)."""
    if data.name is not None:
        user.name = data.name
    if data.password is not None:
        if not user.password_hash or not verify_password(user.password_hash, data.current_password or ""):
            raise ValidationFailed("current password is wrong", field="body.current_password")
        user.password_hash = hash_password(data.password)
    session.flush()
    return user


def authenticate(session: Session, email: str, password: str) -> User:
    """The active human user with these credentials, or 401 (same answer for unknown email)."""
    user = repository.user_by_email(session, email)
    if user is None or user.password_hash is None:
        verify_password(DUMMY_HASH, password)  # spend the same time as a real check
        raise Unauthorized("wrong email or password")
    if not verify_password(user.password_hash, password) or not user.is_active:
        raise Unauthorized("wrong email or password")
    user.last_login_at = utcnow()
    return user


@dataclass(frozen=True)
class NewSession:
    record: BrowserSession
    cookie_value: str


def start_session(session: Session, user: User, secret_key: str, ttl: timedelta,
                  user_agent: str | None, ip: str | None) -> NewSession:
    """A browser session; only the keyed hash of the cookie value is stored."""
    value = new_secret()
    record = BrowserSession(user_id=user.id, token_hash=secret_hash(secret_key, value),
                            expires_at=utcnow() + ttl, user_agent=(user_agent or "")[:400], ip=ip)
    session.add(record)
    session.flush()
    return NewSession(record=record, cookie_value=value)


def end_session(session: Session, secret_key: str, cookie_value: str) -> None:
    """Log a browser out (a no-op for an unknown cookie)."""
    record = repository.session_by_hash(session, secret_hash(secret_key, cookie_value))
    if record is not None:
        session.delete(record)


def user_for_cookie(session: Session, secret_key: str, cookie_value: str) -> User | None:
    """The user behind a live session cookie."""
    record = repository.session_by_hash(session, secret_hash(secret_key, cookie_value))
    if record is None or record.expires_at <= utcnow():
        return None
    user = repository.user_by_id(session, record.user_id)
    return user if user is not None and user.is_active else None


def token_for_bearer(session: Session, secret_key: str, bearer: str) -> tuple[ApiToken, User] | None:
    """The live (not revoked, not expired) token behind a bearer secret, and its owner."""
    found = repository.token_by_hash(session, secret_hash(secret_key, bearer))
    if found is None:
        return None
    token, user = found
    if token.revoked_at is not None or (token.expires_at is not None and token.expires_at <= utcnow()):
        return None
    return token, user


@dataclass(frozen=True)
class NewToken:
    record: ApiToken
    secret: str


def create_token(session: Session, user: User, data: TokenCreate, secret_key: str) -> NewToken:
    """A personal (or, for a service account, service) token; the secret is returned once."""
    if data.expires_at is not None and data.expires_at <= utcnow():
        raise ValidationFailed("expires_at is in the past", field="body.expires_at")
    prefix = SERVICE_TOKEN_PREFIX if user.kind == UserKind.service else PERSONAL_TOKEN_PREFIX
    secret = new_secret(prefix)
    record = ApiToken(user_id=user.id, name=data.name, prefix=secret[:10],
                      token_hash=secret_hash(secret_key, secret), expires_at=data.expires_at)
    session.add(record)
    session.flush()
    return NewToken(record=record, secret=secret)


def revoke_token(session: Session, user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens (someone else's is a 404)."""
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound("token not found")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    session.flush()
    return token


def touch_if_stale(session: Session, token: ApiToken, every: timedelta = timedelta(minutes=5)) -> bool:
    """Record use of a token at most every few minutes (a write per request would be waste)."""
    now: datetime = utcnow()
    if token.last_used_at is None or now - token.last_used_at > every:
        repository.touch_token(session, token.id, now)
        return True
    return False
