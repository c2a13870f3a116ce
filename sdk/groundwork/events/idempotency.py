"""Idempotency by event id: delivery is at least once, so a consumer remembers what it has processed.

The contract: an event may arrive more than once (a relay killed between publishing and marking, a
consumer killed before its ack, a retry racing a redelivery). ``store.once(consumer, event_id)``
yields True the first time and False for a duplicate; the mark is kept only when the block exits
without an exception, so a failed handler is tried again. ``SqlIdempotencyStore`` runs the mark and
the block in ONE database transaction: a handler that writes to the same database through
``store.connection()`` gets exactly-once effects; a handler with effects elsewhere (an HTTP call, a
Celery task) gets at-least-once effects and should make them idempotent by event id too.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import BigInteger, Column, Connection, DateTime, Engine, MetaData, String, Table, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

metadata = MetaData()
processed_events = Table(
    "processed_events", metadata,
    Column("consumer", String(200), primary_key=True),
    Column("event_id", BigInteger, primary_key=True),
    Column("processed_at", DateTime(timezone=True), nullable=False),
)


def _sqlite_wal(dbapi_conn: Any, _record: Any) -> None:
    # WAL + synchronous=NORMAL: a mark costs no fsync. A power cut may forget the last marks; the
    # events are then handled again, which the at-least-once contract allows.
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


class IdempotencyStore(Protocol):
    """Remembers which events a consumer has processed."""

    def once(self, consumer: str, event_id: int) -> AbstractContextManager[bool]:
        """Yield True if ``event_id`` is new for ``consumer``; the mark sticks only if the block succeeds."""
        ...


class MemoryIdempotencyStore:
    """Process-local memory (tests, benchmarks, consumers whose effects are idempotent anyway)."""

    def __init__(self) -> None:
        self._seen: set[tuple[str, int]] = set()
        self._lock = threading.Lock()

    @contextmanager
    def once(self, consumer: str, event_id: int) -> Iterator[bool]:
        """Yield whether the event is new; remember it when the block succeeds."""
        key = (consumer, event_id)
        with self._lock:
            fresh = key not in self._seen
        yield fresh
        if fresh:
            with self._lock:
                self._seen.add(key)


class SqlIdempotencyStore:
    """A ``processed_events`` table in any SQLAlchemy database (a SQLite file by default on a laptop)."""

    def __init__(self, url_or_engine: str | Engine) -> None:
        if isinstance(url_or_engine, str):
            sqlite_file = url_or_engine.startswith("sqlite")
            url_or_engine = create_engine(url_or_engine, connect_args={"timeout": 30} if sqlite_file else {})
            if sqlite_file:
                event.listen(url_or_engine, "connect", _sqlite_wal)
        self.engine = url_or_engine
        metadata.create_all(self.engine)
        self._local = threading.local()

    def connection(self) -> Connection:
        """The transaction of the ``once`` block in progress on this thread (write your effects here)."""
        conn: Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            raise RuntimeError("SqlIdempotencyStore.connection() is only available inside once()")
        return conn

    @contextmanager
    def once(self, consumer: str, event_id: int) -> Iterator[bool]:
        """Insert the mark and run the block in one transaction; yield False if the mark was there."""
        with self.engine.begin() as conn:
            fresh = self._insert(conn, consumer, event_id)
            self._local.conn = conn
            try:
                yield fresh
            finally:
                self._local.conn = None

    @staticmethod
    def _insert(conn: Connection, consumer: str, event_id: int) -> bool:
        row = {"consumer": consumer, "event_id": event_id, "processed_at": datetime.now(UTC)}
        name = conn.dialect.name
        if name in ("sqlite", "postgresql"):
            dialect_insert = sqlite.insert if name == "sqlite" else postgresql.insert
            result = conn.execute(dialect_insert(processed_events).values(**row).on_conflict_do_nothing())
            return bool(result.rowcount == 1)
        try:
            with conn.begin_nested():
                conn.execute(processed_events.insert().values(**row))
        except IntegrityError:
            return False
        return True
