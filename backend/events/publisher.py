"""Publish a batch of events to the topic exchange and return only once the broker has them all.

RabbitMQ (py-amqp): publisher confirms, awaited per BATCH. kombu's ``confirm_publish=True`` waits
for each message's ``basic.ack`` before sending the next, one round trip per event; instead the
channel is put in confirm mode once, the whole batch is written, and the broker's acks (often one
``multiple=True`` ack for many messages) are read until the last delivery tag is confirmed. Any
``basic.nack``, timeout or lost connection fails the whole batch, which the relay then sends again
(at least once). The batch's frames are sent in one write and the acks read ahead
(``groundwork.events.tuning``), which more than doubled the rate on a busy 2-core machine.
Embedded transport: every publish is a file written and renamed into place; the batch is then
flushed to disk with one ``syncfs`` before it counts as confirmed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any

import amqp
import kombu
from groundwork.events.envelope import PROJECT_HEADER, EventMessage
from groundwork.events.tuning import Coalescer, tune
from kombu.exceptions import OperationalError

CONFIRM_TIMEOUT_S = 30.0


class PublishFailed(OperationalError):  # type: ignore[misc]
    """The broker refused (nacked) or did not confirm a message of the batch."""


def _headers(event: EventMessage) -> dict[str, Any]:
    return {PROJECT_HEADER: event.project_id} if event.project_id is not None else {}


class Publisher:
    """Sends batches of events to one durable topic exchange over one connection."""

    def __init__(self, connection: kombu.Connection, exchange: str) -> None:
        self.connection = connection
        self.exchange = kombu.Exchange(exchange, type="topic", durable=True)
        self._amqp = connection.transport.driver_type == "amqp"
        self._channel: Any = None
        self._producer: kombu.Producer | None = None
        self._sent = 0
        self._confirmed = 0
        self._acked_singles: set[int] = set()
        self._nacked = False
        self._coalescer: Coalescer | None = None

    def open(self) -> None:
        """Connect (raises while the broker is away), declare the exchange, enter confirm mode."""
        if self._amqp and self.connection.transport_options.get("confirm_publish"):
            raise ValueError("give the relay a connection without confirm_publish: it confirms per batch itself")
        self.connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0)
        self._channel = self.connection.channel()
        self.exchange(self._channel).declare()
        if self._amqp:
            self._coalescer = tune(self.connection)
            self._channel.confirm_select()
            self._channel.events["basic_ack"].add(self._on_ack)
            self._channel.events["basic_nack"].add(self._on_nack)
            self._sent = self._confirmed = 0
        else:
            self._producer = kombu.Producer(self._channel, exchange=self.exchange)

    def close(self) -> None:
        """Release the channel and the connection (errors ignored: it may be broken already)."""
        with contextlib.suppress(Exception):  # a broken connection cannot be closed more
            self.connection.close()
        self._channel = self._producer = None

    def publish(self, events: Sequence[EventMessage]) -> None:
        """Publish ``events`` in order; return when all are confirmed, raise if any is not."""
        if self._amqp:
            self._publish_confirmed(events)
            return
        assert self._producer is not None
        for event in events:
            self._producer.publish(event.to_json(), routing_key=event.type, content_type="application/json",
                                   content_encoding="utf-8", delivery_mode=2, message_id=str(event.id),
                                   headers=_headers(event), retry=False)
        sync = getattr(self._channel, "sync", None)
        if sync is not None:  # the embedded broker: the whole batch reaches the disk at once
            sync()

    def _publish_confirmed(self, events: Sequence[EventMessage]) -> None:
        channel, name = self._channel, self.exchange.name
        assert self._coalescer is not None
        self._coalescer.gather()
        try:
            for event in events:
                message = amqp.Message(event.to_json(), content_type="application/json", content_encoding="utf-8",
                                       delivery_mode=2, message_id=str(event.id),
                                       application_headers=_headers(event))
                channel.basic_publish(message, exchange=name, routing_key=event.type)
        finally:
            self._coalescer.flush()
        self._sent += len(events)
        while self._confirmed < self._sent and not self._nacked:
            try:
                self.connection.drain_events(timeout=CONFIRM_TIMEOUT_S)
            except TimeoutError as exc:
                raise PublishFailed(f"the broker did not confirm {self._sent - self._confirmed} messages") from exc
        if self._nacked:
            self._nacked = False
            raise PublishFailed("the broker refused (nacked) a message of the batch")

    def _on_ack(self, delivery_tag: int, multiple: bool) -> None:
        if multiple:
            self._confirmed = max(self._confirmed, delivery_tag)
            self._acked_singles = {t for t in self._acked_singles if t > self._confirmed}
        else:
            self._acked_singles.add(delivery_tag)
        while self._confirmed + 1 in self._acked_singles:
            self._confirmed += 1
            self._acked_singles.discard(self._confirmed)

    def _on_nack(self, delivery_tag: int, multiple: bool) -> None:
        self._nacked = True
