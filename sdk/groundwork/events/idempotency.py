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


# Deliveries that came back unacknowledged (the consumer stopped while it had them), per event.
delivery_attempts = Table(
    "delivery_attempts", metadata,
    Column("consumer", String(200), primary_key=True),
    Column("event_id", BigInteger, primary_key=True),
    Column("attempts", BigInteger, nullable=False),
    Column("last_at", DateTime(timezone=True), nullable=False),
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

    def count_redelivery(self, consumer: str, event_id: int) -> int:
        """Count one more unacknowledged delivery of the event (durably); returns the count so far."""
        ...


class MemoryIdempotencyStore:
    """Process-local memory (tests, benchmarks, consumers whose effects are idempotent anyway)."""

    def __init__(self) -> None:
        self._seen: set[tuple[str, int]] = set()
        self._redeliveries: dict[tuple[str, int], int] = {}
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

    def count_redelivery(self, consumer: str, event_id: int) -> int:
        """Counted in memory: this store forgets with the process, so it only sees redeliveries after reconnects."""
        with self._lock:
            self._redeliveries[(consumer, event_id)] = n = self._redeliveries.get((consumer, event_id), 0) + 1
        return n


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

    def count_redelivery(self, consumer: str, event_id: int) -> int:
        """Count one more unacknowledged delivery, committed before the handler runs (it may crash the process)."""
        now = datetime.now(UTC)
        with self.engine.begin() as conn:
            name = conn.dialect.name
            if name in ("sqlite", "postgresql"):
                dialect_insert = sqlite.insert if name == "sqlite" else postgresql.insert
                stmt = dialect_insert(delivery_attempts).values(consumer=consumer, event_id=event_id, attempts=1,
                                                                last_at=now)
                stmt = stmt.on_conflict_do_update(
                    index_elements=["consumer", "event_id"],
                    set_={"attempts": delivery_attempts.c.attempts + 1, "last_at": now})
                conn.execute(stmt)
            else:
                updated = conn.execute(delivery_attempts.update().where(
                    delivery_attempts.c.consumer == consumer, delivery_attempts.c.event_id == event_id,
                ).values(attempts=delivery_attempts.c.attempts + 1, last_at=now))
                if updated.rowcount == 0:
                    conn.execute(delivery_attempts.insert().values(consumer=consumer, event_id=event_id,
                                                                   attempts=1, last_at=now))
            return int(conn.execute(delivery_attempts.select().with_only_columns(delivery_attempts.c.attempts).where(
                delivery_attempts.c.consumer == consumer, delivery_attempts.c.event_id == event_id)).scalar_one())

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
