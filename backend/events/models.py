"""The transactional outbox: an event row written in the same transaction as the change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.models import Base
from backend.core.types import BigId, JsonDoc, UTCDateTime, utcnow


class Event(Base):
    """Something that happened; ``published_at`` stays empty until a relay has delivered it."""

    __tablename__ = "events"
    # AUTOINCREMENT on SQLite: ids are never handed out again after the newest rows are deleted,
    # so consumers that deduplicate by event id can never mistake a new event for an old one.
    # The relay's index covers only the backlog (a partial index): it stays small, and marking an event
    # published adds no entry to it.
    __table_args__ = (Index("ix_events_project_id_id", "project_id", "id"),
                      Index("ix_events_unpublished", "id", postgresql_where=text("published_at IS NULL"),
                            sqlite_where=text("published_at IS NULL")),
                      {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    project_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("projects.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(100))
    actor_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    payload: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)
    schema_version: Mapped[int] = mapped_column(Integer, default=1)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
