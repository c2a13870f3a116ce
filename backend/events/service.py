"""Record events into the outbox, inside the caller's transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from backend.events.models import Event

SCHEMA_VERSION = 1


def record(session: Session, type_: str, *, project_id: int | None, actor_id: int | None,
           payload: dict[str, Any]) -> Event:
    """Add an event row to the current transaction; it is published only if the transaction commits."""
    event = Event(type=type_, project_id=project_id, actor_id=actor_id, payload=payload,
                  schema_version=SCHEMA_VERSION)
    session.add(event)
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
