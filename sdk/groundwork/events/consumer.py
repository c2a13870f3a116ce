"""A thin, typed event consumer with an explicit ack policy (the same code on RabbitMQ and the embedded broker).

Ack policy:
- the handler returns → the message is acked (after the idempotency mark is committed);
- the handler raises ``Reject`` → dead-lettered at once (a permanent failure, no retry);
- the handler raises anything else → tried again after a backoff with full jitter, up to
  ``RetryPolicy.max_attempts`` attempts in all, then dead-lettered. While it waits, the message stays
  unacked (a crash meanwhile makes the broker deliver it again) and other messages keep flowing.
  The retry is a copy published to the consumer's own queue with the header ``x-groundwork-attempt``
  (confirmed by the broker before the original is acked), so retries work alike on RabbitMQ and on
  the embedded transport. A retried event is therefore processed after events that came behind it.
- an undecodable body is dead-lettered at once.
Dead letters go to the durable queue ``<queue>.dlq`` with the headers ``x-groundwork-error``,
``x-groundwork-attempts`` and ``x-groundwork-failed-at``.

With ``on_batch``, the acks of a batch of deliveries wait until ``on_batch()`` returns (the handler
gathers, ``on_batch`` writes once); when it raises, every message of the batch takes the retry path.

Delivery is at least once; with an ``IdempotencyStore`` each event id is handled once per consumer
name (see ``groundwork.events.idempotency``), and deliveries that come back unacknowledged are
counted there: an event that crashes the consumer process every time is dead-lettered after
``RetryPolicy.max_attempts`` such deliveries instead of being redelivered forever.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import random
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from contextlib import nullcontext, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import kombu
from kombu.exceptions import OperationalError
from pydantic import ValidationError

from groundwork.events.envelope import EXCHANGE, EventMessage
from groundwork.events.idempotency import IdempotencyStore
from groundwork.events.tuning import Coalescer, read_buffered_frame, tune

log = logging.getLogger(__name__)

ATTEMPT_HEADER = "x-groundwork-attempt"
ERROR_HEADER = "x-groundwork-error"
ATTEMPTS_HEADER = "x-groundwork-attempts"
FAILED_AT_HEADER = "x-groundwork-failed-at"

Handler = Callable[[EventMessage], None]


class Reject(Exception):
    """Raise from a handler to dead-letter the event at once, without retries."""


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how soon a failed event is tried again (exponential backoff, full jitter)."""

    max_attempts: int = 5
    base_delay_s: float = 0.5
    max_delay_s: float = 60.0

    def delay(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        return random.uniform(0, min(self.max_delay_s, self.base_delay_s * 2 ** (attempt - 1)))


@dataclass
class ConsumerStats:
    """What a consumer has done so far."""

    processed: int = 0
    duplicates: int = 0
    retried: int = 0
    dead_lettered: int = 0


@dataclass(order=True)
class _Pending:
    due: float
    seq: int
    message: Any = field(compare=False)
    attempt: int = field(compare=False)
    error: str = field(compare=False)


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:1000]


class Consumer:
    """Consumes events matching ``patterns`` from a durable queue bound to the events exchange."""

    def __init__(self, connection: kombu.Connection, queue_name: str, patterns: Sequence[str], handler: Handler,
                 *, exchange: str = EXCHANGE, retry: RetryPolicy | None = None,
                 dedup: IdempotencyStore | None = None, name: str | None = None, prefetch: int = 100,
                 on_batch: Callable[[], None] | None = None) -> None:
        self.connection = connection
        self.on_batch = on_batch
        self.queue_name = queue_name
        self.dlq_name = f"{queue_name}.dlq"
        self.handler = handler
        self.retry = retry or RetryPolicy()
        self.dedup = dedup
        self.name = name or queue_name
        self.prefetch = prefetch
        self.stats = ConsumerStats()
        self.exchange = kombu.Exchange(exchange, type="topic", durable=True)
        self.queue = kombu.Queue(queue_name, exchange=self.exchange, durable=True,
                                 bindings=[kombu.binding(self.exchange, routing_key=p) for p in patterns])
        self.dlq = kombu.Queue(self.dlq_name, durable=True)
        self._pending: list[_Pending] = []
        self._inbox: deque[Any] = deque()
        self._seq = itertools.count()
        self._producer: kombu.Producer | None = None
        self._writes: Coalescer | None = None
        self._ack_multiple = False

    def declare(self) -> None:
        """Declare the exchange, the queue with its bindings, and the dead-letter queue (idempotent)."""
        channel = self.connection.default_channel
        self.queue(channel).declare()
        self.dlq(channel).declare()

    def run(self, stop: threading.Event | None = None, *, poll_s: float = 0.2, max_backoff_s: float = 10.0) -> None:
        """Consume until ``stop`` is set, reconnecting (backoff with jitter) while the broker is away."""
        stop = stop or threading.Event()
        failures = 0
        while not stop.is_set():
            try:
                self._consume(stop, poll_s)
                return
            except (OperationalError, *self.connection.connection_errors, *self.connection.channel_errors) as exc:
                failures += 1
                delay = random.uniform(0, min(max_backoff_s, 0.2 * 2 ** min(failures, 16)))
                log.warning("consumer %s: broker unavailable (%s); retrying in %.1f s", self.name, exc, delay)
                self._pending.clear()
                self._inbox.clear()  # unacked messages come back from the broker after a reconnect
                self._producer = None
                self.connection.close()
                stop.wait(delay)

    def _consume(self, stop: threading.Event, poll_s: float) -> None:
        self.connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0)
        self._writes = tune(self.connection)
        # AMQP acks all deliveries up to a tag with one frame; the embedded transport acks only the one named.
        self._ack_multiple = self.connection.transport.driver_type == "amqp"
        self.declare()
        channel = self.connection.channel()
        try:
            self._producer = kombu.Producer(self.connection.default_channel)
            # Deliveries are queued by the callback and handled between drains: publishing a retry waits
            # for the broker's confirm, and deliveries read during that wait must not run a handler inside
            # another one. What has already arrived is handled in one go, its acks sent in one write.
            with kombu.Consumer(channel, queues=[self.queue], on_message=self._inbox.append, no_ack=False,
                                prefetch_count=self.prefetch):
                while not stop.is_set():
                    timeout = poll_s
                    if self._pending:
                        timeout = max(0.0, min(poll_s, self._pending[0].due - time.monotonic()))
                    if not self._inbox:
                        with suppress(TimeoutError, socket.timeout):
                            self.connection.drain_events(timeout=timeout)
                    with suppress(TimeoutError, socket.timeout):
                        while self._inbox and len(self._inbox) < self.prefetch:
                            if not read_buffered_frame(self.connection):  # else: a short wait for more
                                self.connection.drain_events(timeout=0.0001)
                    if self._writes is not None:
                        self._writes.gather()
                    try:
                        handled = []
                        while self._inbox:
                            message = self._inbox.popleft()
                            if self._handle(message):
                                handled.append(message)
                        self._end_batch(handled)
                        self._retry_due()
                    finally:
                        self._flush_writes()
        finally:
            channel.close()

    def _flush_writes(self) -> None:
        if self._writes is not None:
            self._writes.flush()

    def _handle(self, message: Any) -> bool:
        """Handle one delivery; True when it is to be acked once the batch ends."""
        attempt = int((message.headers or {}).get(ATTEMPT_HEADER, 1))
        try:
            event = EventMessage.from_json(message.body)
        except ValidationError as exc:
            self._dead_letter(message, attempt, f"undecodable event: {exc}")
            return False
        redelivered = bool((message.delivery_info or {}).get("redelivered"))
        if redelivered and self.dedup is not None:
            # It came back unacknowledged: the consumer stopped (perhaps crashed in the handler) while it had it.
            # Counted durably before handling, so an event that kills the process each time ends in the DLQ.
            times = self.dedup.count_redelivery(self.name, event.id)
            if times >= self.retry.max_attempts:
                self._dead_letter(message, attempt, f"delivered {times + 1} times without an ack: the consumer "
                                                    "stopped while handling it each time")
                return False
        try:
            with self.dedup.once(self.name, event.id) if self.dedup else nullcontext(True) as fresh:
                if fresh:
                    self.handler(event)
        except Reject as exc:
            self._dead_letter(message, attempt, _describe(exc))
            return False
        except Exception as exc:
            self._failed(message, attempt, exc, f"event {event.id} ({event.type})")
            return False
        if fresh:
            self.stats.processed += 1
        else:
            self.stats.duplicates += 1
        return True

    def _failed(self, message: Any, attempt: int, exc: Exception, what: str) -> None:
        log.warning("consumer %s: %s failed on attempt %d: %s", self.name, what, attempt, exc)
        if attempt >= self.retry.max_attempts:
            self._dead_letter(message, attempt, _describe(exc))
        else:
            due = time.monotonic() + self.retry.delay(attempt)
            heapq.heappush(self._pending, _Pending(due, next(self._seq), message, attempt, _describe(exc)))

    def _end_batch(self, handled: list[Any]) -> None:
        """``on_batch`` (e.g. write what the handlers gathered), then ack; if it fails, the batch is retried."""
        if not handled:
            return
        if self.on_batch is not None:
            try:
                self.on_batch()
            except Exception as exc:
                for message in handled:
                    self._failed(message, int((message.headers or {}).get(ATTEMPT_HEADER, 1)), exc, "a batch")
                return
        if self._ack_multiple and not self._pending:
            # Nothing older is held back for a retry: one ack (``multiple``) covers every delivery up to the
            # newest handled one, instead of one ack frame per message for the client and RabbitMQ to process.
            handled[-1].ack(multiple=True)
            return
        for message in handled:
            message.ack()

    def _retry_due(self) -> None:
        now = time.monotonic()
        while self._pending and self._pending[0].due <= now:
            item = heapq.heappop(self._pending)
            self._republish(item.message, self.queue_name, {ATTEMPT_HEADER: item.attempt + 1, ERROR_HEADER: item.error})
            self.stats.retried += 1
            item.message.ack()

    def _dead_letter(self, message: Any, attempt: int, error: str) -> None:
        self._republish(message, self.dlq_name, {
            ERROR_HEADER: error, ATTEMPTS_HEADER: attempt, FAILED_AT_HEADER: datetime.now(UTC).isoformat()})
        self.stats.dead_lettered += 1
        log.error("consumer %s: message %s dead-lettered to %s after %d attempt(s): %s", self.name,
                  message.properties.get("message_id"), self.dlq_name, attempt, error)
        message.ack()

    def _republish(self, message: Any, queue: str, headers: dict[str, Any]) -> None:
        assert self._producer is not None
        self._flush_writes()  # the publish waits for its confirm: nothing may be left unsent before it
        self._producer.publish(
            message.body, exchange="", routing_key=queue, headers={**(message.headers or {}), **headers},
            content_type=message.content_type or "application/json",
            content_encoding=message.content_encoding or "utf-8", delivery_mode=2,
            message_id=message.properties.get("message_id"), retry=False)
