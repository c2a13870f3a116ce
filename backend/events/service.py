"""Record events into the outbox, inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from sqlalchemy import insert
from sqlalchemy.orm import Session

from backend.events.models import Event
from backend.events.wake import WROTE_EVENTS

SCHEMA_VERSION = 1


def record(session: Session, type_: str, *, project_id: int | None, actor_id: int | None,
           payload: dict[str, Any]) -> Event:
    """Add an event row to the current transaction; it is published only if the transaction commits."""
    event = Event(type=type_, project_id=project_id, actor_id=actor_id, payload=payload,
                  schema_version=SCHEMA_VERSION)
    session.add(event)
    session.info[WROTE_EVENTS] = True
    return event


def record_many(session: Session, type_: str, *, project_id: int | None, actor_id: int | None,
                payloads: list[dict[str, Any]]) -> None:
    """Add several events of one type in one round trip."""
    if payloads:
        session.execute(
            insert(Event),
            [{"type": type_, "project_id": project_id, "actor_id": actor_id, "payload": p,
              "schema_version": SCHEMA_VERSION} for p in payloads],
        )
        session.info[WROTE_EVENTS] = True


class NewEvent(NamedTuple):
    """One event to record: its type, project, actor and payload."""

    type: str
    project_id: int | None
    actor_id: int | None
    payload: dict[str, Any]


def record_all(session: Session, events: Sequence[NewEvent]) -> None:
    """Add events of any types in one round trip, in the order given."""
    if events:
        session.execute(
            insert(Event),
            [{"type": e.type, "project_id": e.project_id, "actor_id": e.actor_id, "payload": e.payload,
              "schema_version": SCHEMA_VERSION} for e in events],
        )
        session.info[WROTE_EVENTS] = True
