"""The embedded broker keeps publish order, routes by topic across processes, and survives restarts."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

import kombu
import pytest
from groundwork.events import Consumer, EventMessage, SqlIdempotencyStore, embedded_connection
from groundwork.events.transport import Channel

EXCHANGE = "gw.test.embedded"


def _event(n: int, type_: str = "file.created") -> EventMessage:
    return EventMessage(id=n, type=type_, project_id=1, actor_id=None, occurred_at=datetime.now(UTC), payload={})


def _publish(root: Path, events: list[EventMessage]) -> None:
    with embedded_connection(root, fsync=False) as conn:
        exchange = kombu.Exchange(EXCHANGE, type="topic", durable=True)
        producer = kombu.Producer(conn.default_channel, exchange=exchange)
        exchange(conn.default_channel).declare()
        for e in events:
            producer.publish(e.to_json(), routing_key=e.type, content_type="application/json", retry=False)


def _consume(root: Path, queue: str, patterns: list[str], count: int) -> list[EventMessage]:
    got: list[EventMessage] = []
    stop = threading.Event()

    def handle(event: EventMessage) -> None:
        got.append(event)
        if len(got) >= count:
            stop.set()

    consumer = Consumer(embedded_connection(root), queue, patterns, handle, exchange=EXCHANGE)
    thread = threading.Thread(target=consumer.run, args=(stop,), kwargs={"poll_s": 0.02})
    thread.start()
    thread.join(timeout=30)
    stop.set()
    consumer.connection.close()
    return got


def test_messages_published_in_the_same_millisecond_come_out_in_publish_order(tmp_path: Path) -> None:
    with embedded_connection(tmp_path) as conn:
        Consumer(conn, "ordered", ["file.*"], lambda e: None, exchange=EXCHANGE).declare()
    _publish(tmp_path, [_event(n) for n in range(1500)])
    assert [e.id for e in _consume(tmp_path, "ordered", ["file.*"], 1500)] == list(range(1500))


def test_topic_routing_by_pattern(tmp_path: Path) -> None:
    # Bindings live in the folder (control/), so a relay in another process routes by them too
    # (test_relay_crash publishes from a child process into queues this process declared).
    for queue, patterns in (("files", ["file.*"]), ("tasks", ["task.#"])):
        with embedded_connection(tmp_path) as conn:
            Consumer(conn, queue, patterns, lambda e: None, exchange=EXCHANGE).declare()
    _publish(tmp_path, [_event(1, "file.created"), _event(2, "task.review.done"), _event(3, "schema.updated")])
    assert [e.id for e in _consume(tmp_path, "files", ["file.*"], 1)] == [1]
    assert [e.id for e in _consume(tmp_path, "tasks", ["task.#"], 1)] == [2]
    assert not list((tmp_path / "queues" / "files").iterdir())


def test_a_key_stays_above_what_a_previous_boot_left_waiting(tmp_path: Path) -> None:
    with embedded_connection(tmp_path) as conn:
        Consumer(conn, "late", ["file.*"], lambda e: None, exchange=EXCHANGE).declare()
    future = tmp_path / "queues" / "late" / f"{9 * 10**19:020d}-1.msg"  # as if the clock had gone back since
    _publish(tmp_path, [_event(1)])
    future.write_bytes((next((tmp_path / "queues" / "late").glob("*.msg"))).read_bytes())
    _publish(tmp_path, [_event(2)])
    names = sorted(p.name for p in (tmp_path / "queues" / "late").glob("*.msg"))
    assert names[-1] > future.name


def test_unacked_messages_go_back_in_place_when_a_channel_closes(tmp_path: Path) -> None:
    with embedded_connection(tmp_path) as conn:
        Consumer(conn, "held", ["file.*"], lambda e: None, exchange=EXCHANGE).declare()
    _publish(tmp_path, [_event(n) for n in range(3)])
    with embedded_connection(tmp_path) as conn:
        queue = kombu.Queue("held", durable=True)(conn.channel())
        first = queue.get()
        assert EventMessage.from_json(first.body).id == 0
        assert isinstance(queue.channel, Channel)
    # closed without ack: message 0 is back at the head of the line
    assert [e.id for e in _consume(tmp_path, "held", ["file.*"], 3)] == [0, 1, 2]


def test_sql_idempotency_store_marks_only_what_succeeded(tmp_path: Path) -> None:
    store = SqlIdempotencyStore(f"sqlite:///{tmp_path / 'seen.db'}")

    def failing_handler() -> None:
        with store.once("c", 1) as fresh:
            assert fresh
            raise RuntimeError("handler failed")

    with pytest.raises(RuntimeError):
        failing_handler()
    with store.once("c", 1) as fresh:
        assert fresh  # the failure was not remembered
    with store.once("c", 1) as fresh:
        assert not fresh
    with store.once("other-consumer", 1) as fresh:
        assert fresh

