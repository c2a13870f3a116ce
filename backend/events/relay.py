"""The outbox relay: publish committed events to the broker in id order, then mark them sent.

One loop, inside ``groundwork serve`` or alone as ``groundwork relay``:
1. become the active relay (``leadership``: several relays may run, one works, the others wait);
2. read up to ``batch_size`` unpublished rows in id order (on PostgreSQL only below the order fence,
   see ``outbox.pg_order_fence``);
3. publish them to the durable topic exchange (routing key = event type, body = ``EventMessage``
   JSON, ``message_id`` = event id, persistent) and wait for the broker's confirms;
4. mark them ``published_at = now`` in one UPDATE.
A relay killed between 3 and 4 publishes that batch again when it (or another) resumes: delivery is
at least once, in order, and consumers drop duplicates by event id. While the broker is away the
relay backs off (exponential, with jitter), reconnects and catches up from the outbox.
Between batches an idle relay waits for news of a commit that wrote events — on PostgreSQL a NOTIFY
on ``OUTBOX_CHANNEL`` from any process (every write to the outbox queues one), else this process's own
commits (``wake``) — and looks anyway at least every ``LISTENING_POLL_S`` (PostgreSQL) or
``IDLE_POLL_CAP_S``.
"""

from __future__ import annotations

import contextlib
import logging
import random
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, cast

import kombu
import psycopg
from groundwork.events.envelope import EventMessage
from groundwork.events.transport import connection_for
from sqlalchemy import Connection, Engine

from backend.config import Settings
from backend.core.types import utcnow
from backend.events import outbox
from backend.events.leadership import Leadership, leadership_for
from backend.events.publisher import Publisher
from backend.events.wake import OUTBOX_WRITTEN

log = logging.getLogger(__name__)

# The longest an idle relay waits between two looks at the outbox (the first event after a quiet
# spell waits at most this long; a busy relay never waits).
IDLE_POLL_CAP_S = 0.2
# After a batch that did not fill up (events trickling in: one per request under API load), wait this
# long before the next, so that a trickle is gathered into batches instead of costing a batch (order
# fence, read, publish, mark: a few ms of CPU between relay and database) per event or two.
BATCH_LINGER_S = 0.01
# PostgreSQL: every commit that writes to the outbox notifies, so an idle relay sleeps until one does
# and looks on its own only this often, as a safety net. Polling as without LISTEN cost a quiet server
# four empty reads (order fence and query) after every lone event, a quarter of its CPU per bulk write.
LISTENING_POLL_S = 1.0


@dataclass
class RelayStats:
    """What this relay has done (for logs, tests and the benchmark)."""

    published: int = 0
    batches: int = 0
    broker_failures: int = 0
    led: bool = False


class Relay:
    """Moves events from the outbox table to the broker; safe to run several at once."""

    def __init__(self, engine: Engine, connect: Callable[[], kombu.Connection], leadership: Leadership, *,
                 exchange: str, batch_size: int = 1000, poll_interval_s: float = 0.025,
                 lock_retry_s: float = 1.0, max_backoff_s: float = 10.0, order_wait_s: float = 5.0) -> None:
        self.engine, self.connect, self.leadership = engine, connect, leadership
        self.exchange, self.batch_size, self.poll_interval_s = exchange, batch_size, poll_interval_s
        self.lock_retry_s, self.max_backoff_s, self.order_wait_s = lock_retry_s, max_backoff_s, order_wait_s
        self._reader = engine.execution_options(readonly=True)  # SQLite: a reader does not take the write lock
        self._fence = engine.dialect.name == "postgresql"
        self._held: Connection | None = None  # PostgreSQL: one connection for as long as this relay leads
        self.stats = RelayStats()

    def run(self, stop: threading.Event) -> None:
        """Relay until ``stop`` is set: wait to be the active relay, then publish as events come."""
        while not stop.is_set():
            try:
                acquired = self.leadership.try_acquire()
            except Exception as exc:  # the database is away: try again later
                log.warning("relay: cannot reach the database to take the relay lock: %s", exc)
                acquired = False
            if not acquired:
                stop.wait(self.lock_retry_s)
                continue
            self.stats.led = True
            try:
                self._lead(stop)
            finally:
                self.leadership.release()

    def _lead(self, stop: threading.Event) -> None:
        failures = idle = 0
        checked = time.monotonic()
        while not stop.is_set():
            publisher: Publisher | None = None
            try:
                publisher = Publisher(self.connect(), self.exchange)
                publisher.open()
                self._hold()
                while not stop.is_set():
                    if time.monotonic() - checked > 1.0:
                        checked = time.monotonic()
                        if not self.leadership.held():
                            log.warning("relay: lost the relay lock; waiting to take it again")
                            return
                    self._take_notifications()  # this batch reads whatever they announced
                    count = self.relay_batch(publisher)
                    failures = 0
                    if count:  # a full batch: go straight on; a partial one: gather the trickle a moment
                        idle = 0
                        if count < self.batch_size:
                            stop.wait(BATCH_LINGER_S)
                            if not self._take_notifications():  # nothing committed since the read
                                self._wait_for_events(self._idle_wait(1))
                    else:  # idle: poll less and less often, so a quiet server rests
                        idle += 1
                        self._wait_for_events(self._idle_wait(idle))
            except Exception as exc:
                failures += 1
                self.stats.broker_failures += 1
                delay = self._backoff(failures)
                log.warning("relay: publishing failed (%s: %s); retrying in %.2f s", type(exc).__name__, exc, delay)
                stop.wait(delay)
            finally:
                self._release_held()
                if publisher is not None:
                    publisher.close()

    def _wait_for_events(self, timeout: float) -> None:
        """Wait up to ``timeout`` for a commit that wrote events: announced by NOTIFY on PostgreSQL (from any
        process), else by this process's own commits (``OUTBOX_WRITTEN``)."""
        listener = self._listener()
        if listener is not None:
            for _ in listener.notifies(timeout=timeout, stop_after=1):
                break
        elif OUTBOX_WRITTEN.wait(timeout):
            OUTBOX_WRITTEN.clear()

    def _idle_wait(self, idle: int) -> float:
        """How long to wait for news after ``idle`` empty looks: without LISTEN, backing off from the poll
        interval up to IDLE_POLL_CAP_S."""
        if self._listener() is not None:
            return LISTENING_POLL_S
        return min(self.poll_interval_s * 2.0 ** min(idle - 1, 8), IDLE_POLL_CAP_S)

    def _take_notifications(self) -> bool:
        """Drop the notifications received so far; whether there were any, i.e. whether events may have been
        committed since the last read (without LISTEN there is no telling, so yes)."""
        listener = self._listener()
        if listener is None:
            return True
        return sum(1 for _ in listener.notifies(timeout=0)) > 0

    def _listener(self) -> psycopg.Connection[Any] | None:
        """The held connection's psycopg connection, which LISTENs on the outbox channel (PostgreSQL)."""
        return None if self._held is None else cast(psycopg.Connection[Any], self._held.connection.driver_connection)

    def _hold(self) -> None:
        if self._fence:  # PostgreSQL: no pool checkout (and its ping) per query, many times a second
            # Autocommit: each of the relay's statements is a transaction of its own anyway (the fence and
            # the read each need a fresh snapshot, the mark is one UPDATE), without a BEGIN and a COMMIT
            # round trip around every one.
            self._held = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            outbox.tune_relay_connection(self._held)

    def _release_held(self) -> None:
        held, self._held = self._held, None
        if held is not None:
            with contextlib.suppress(Exception):  # it may be broken already (the database went away)
                held.close()

    @contextlib.contextmanager
    def _connection(self) -> Iterator[Connection]:
        """The held connection (PostgreSQL, while leading) or a pooled one for this batch."""
        if self._held is not None:
            yield self._held
        else:
            with self._reader.connect() as conn:
                yield conn

    def _backoff(self, failures: int) -> float:
        ceiling = min(self.max_backoff_s, 0.1 * 2.0 ** min(failures, 20))
        return ceiling / 2 + random.uniform(0, ceiling / 2)

    def relay_batch(self, publisher: Publisher) -> int:
        """Publish one batch of unpublished events and mark it; how many were relayed."""
        with self._connection() as conn:  # one connection for the fence and the read
            up_to = outbox.pg_order_fence(conn, self.order_wait_s) if self._fence else None
            events = outbox.unpublished(conn, self.batch_size, up_to_id=up_to)
            conn.commit()  # ends the read (a held connection goes on to the next batch)
        if not events:
            return 0
        publisher.publish(events)
        self._mark(events)
        self.stats.published += len(events)
        self.stats.batches += 1
        return len(events)

    def _mark(self, events: Sequence[EventMessage]) -> None:
        if self._held is not None:
            with self._held.begin():
                outbox.mark_published(self._held, [e.id for e in events], utcnow(), tuned=True)
            return
        with self.engine.begin() as conn:
            outbox.mark_published(conn, [e.id for e in events], utcnow())

    def drain(self) -> int:
        """Publish everything waiting now and return how many (``groundwork relay --once``); needs the lock."""
        if not self.leadership.try_acquire():
            return 0
        publisher = Publisher(self.connect(), self.exchange)
        total = 0
        try:
            publisher.open()
            self._hold()
            while count := self.relay_batch(publisher):
                total += count
        finally:
            self._release_held()
            publisher.close()
            self.leadership.release()
        return total


def build_relay(settings: Settings, engine: Engine) -> Relay:
    """The relay for these settings: RabbitMQ if a broker URL is set, else the embedded broker."""
    return Relay(engine, lambda: connection_for(settings.broker_url, settings.data_dir, confirm_publish=False),
                 leadership_for(engine, settings.data_dir), exchange=settings.events_exchange,
                 batch_size=settings.relay_batch_size, poll_interval_s=settings.relay_poll_interval_s)
