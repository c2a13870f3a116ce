"""SQL for reading and re-queuing outbox events."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, NamedTuple, cast

from sqlalchemy import ColumnElement, Table, insert, or_, select, text, update
from sqlalchemy.orm import Session

from backend.events.models import Event

_EVENTS = cast(Table, Event.__table__)


class EventRow(NamedTuple):
    """An outbox row to insert."""

    type: str
    project_id: int | None
    actor_id: int | None
    occurred_at: datetime
    payload: dict[str, Any]
    schema_version: int


#: The channel a transaction that wrote events notifies on commit (PostgreSQL): relays in any process
#: wake at once instead of finding the events at their next poll.
OUTBOX_CHANNEL = "groundwork_outbox"

# One statement for any number of events: the rows go as one JSON array (encoded in C; an executemany
# costs ~15 µs of client CPU per row, arrays of strings even more to escape), unpacked in order so that
# ids follow the order given. The same statement queues the NOTIFY (PostgreSQL sends it on commit only).
_PG_INSERT = text(
    "WITH wake AS (SELECT pg_notify(:channel, '')) "
    "INSERT INTO events (type, project_id, actor_id, occurred_at, payload, schema_version) "
    "SELECT r->>0, (r->>1)::bigint, (r->>2)::bigint, (r->>3)::timestamptz, r->4, (r->>5)::integer "
    "FROM jsonb_array_elements(CAST(:rows AS JSONB)) WITH ORDINALITY AS e(r, n), wake ORDER BY n")


def announce(session: Session) -> None:
    """Queue the NOTIFY that wakes relays when this transaction commits (PostgreSQL; for writes to the
    outbox other than ``insert_events``, which queues it itself)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": OUTBOX_CHANNEL})


def insert_events(session: Session, rows: list[EventRow]) -> None:
    """Insert outbox rows in the order given."""
    if session.get_bind().dialect.name == "postgresql":
        times: dict[datetime, str] = {}  # rows recorded together share one timestamp: format it once
        doc = [(r.type, r.project_id, r.actor_id, times.get(r.occurred_at) or times.setdefault(
            r.occurred_at, r.occurred_at.isoformat()), r.payload, r.schema_version) for r in rows]
        session.execute(_PG_INSERT, {"rows": json.dumps(doc), "channel": OUTBOX_CHANNEL})
    else:
        session.execute(insert(_EVENTS), [r._asdict() for r in rows])


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
    count = int(session.execute(stmt.execution_options(synchronize_session=False)).rowcount)  # type: ignore[attr-defined]
    if count:
        announce(session)
    return count
