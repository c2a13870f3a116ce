"""SQL for reading and re-queuing outbox events."""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.orm import Session

from backend.events.models import Event


def type_filter(patterns: list[str]) -> ColumnElement[bool] | None:
    """SQL for "type matches one of these patterns" (``*`` matches any run of characters)."""
    clauses = []
    for pattern in patterns:
        escaped = pattern.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_").replace("*", "%")
        clauses.append(Event.type.like(escaped, escape="\\"))
    return or_(*clauses) if clauses else None


def events_after(session: Session, project_id: int, after: int, patterns: list[str], limit: int) -> list[Event]:
    """A project's events with id greater than ``after``, oldest first."""
    stmt = (select(Event).where(Event.project_id == project_id, Event.id > after)
            .order_by(Event.id).limit(limit))
    condition = type_filter(patterns)
    if condition is not None:
        stmt = stmt.where(condition)
    return list(session.scalars(stmt))


def requeue(session: Session, project_id: int, after: int, patterns: list[str]) -> int:
    """Mark a project's events after ``after`` unpublished, so the relay sends them again, in order."""
    stmt = update(Event).where(Event.project_id == project_id, Event.id > after).values(published_at=None)
    condition = type_filter(patterns)
    if condition is not None:
        stmt = stmt.where(condition)
    return int(session.execute(stmt.execution_options(synchronize_session=False)).rowcount)  # type: ignore[attr-defined]
