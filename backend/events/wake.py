"""Wakes the in-process relay the moment a transaction that recorded events commits.

An idle relay polls less and less often to rest; without this, the first event after a quiet spell
would wait up to one idle poll. On PostgreSQL the relay listens for the NOTIFY that every transaction
writing events sends on commit (``events.repository.OUTBOX_CHANNEL``), which also reaches relays in
other processes; this in-process signal serves SQLite.
"""

from __future__ import annotations

import threading

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

WROTE_EVENTS = "groundwork.wrote_events"
#: Set after a commit that added outbox rows; the relay waits on it between polls.
OUTBOX_WRITTEN = threading.Event()


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.info.pop(WROTE_EVENTS, False):
        OUTBOX_WRITTEN.set()


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous_transaction: SessionTransaction) -> None:
    if not previous_transaction.nested:  # a savepoint's rollback leaves the events recorded before it
        session.info.pop(WROTE_EVENTS, None)
