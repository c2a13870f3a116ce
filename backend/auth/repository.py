"""SQL for users, sessions and tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from backend.auth.models import ApiToken, BrowserSession, User


def user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == email))


def user_by_id(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def list_users(session: Session, after: int | None, limit: int) -> list[User]:
    stmt = select(User).order_by(User.id).limit(limit)
    if after is not None:
        stmt = stmt.where(User.id > after)
    return list(session.scalars(stmt))


def any_user(session: Session) -> bool:
    return session.scalar(select(User.id).limit(1)) is not None


def token_by_hash(session: Session, token_hash: str) -> tuple[ApiToken, User] | None:
    """The token with this hash and its owner, in one query."""
    row = session.execute(select(ApiToken, User).join(User, User.id == ApiToken.user_id)
                          .where(ApiToken.token_hash == token_hash)).first()
    return (row[0], row[1]) if row is not None else None


def tokens_of(session: Session, user_id: int, after: int | None, limit: int) -> list[ApiToken]:
    stmt = select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id).limit(limit)
    if after is not None:
        stmt = stmt.where(ApiToken.id > after)
    return list(session.scalars(stmt))


def touch_token(session: Session, token_id: int, at: datetime) -> None:
    session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=at))


def session_by_hash(session: Session, token_hash: str) -> BrowserSession | None:
    return session.scalar(select(BrowserSession).where(BrowserSession.token_hash == token_hash))
