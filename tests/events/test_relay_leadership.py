"""Two relays at once: one publishes, the other waits; when the first stops, the second carries on in order."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from relayhelpers import Broker, Collector, assert_in_project_order, running, wait_until
from sqlalchemy import Engine, select

from backend.core.db import make_session_factory, transaction
from backend.events.models import Event
from backend.events.service import record
from tests.conftest import Actor

TRANSACTIONS, PER_TRANSACTION = 60, 10


def test_two_relays_publish_each_event_once_in_order(
        broker: Broker, engine: Engine, make_user: Callable[..., Actor], tmp_path: Path) -> None:
    owner = make_user("owner@example.com")
    projects = [owner.client.post("/api/v1/projects", json={"name": f"P{i}"}).json()["id"] for i in range(2)]
    collector = Collector(broker, broker.queue("tasks"), ["task.#", "project.*"], tmp_path / "dedup.db").start()
    sessions = make_session_factory(engine)
    half_written, resume = threading.Event(), threading.Event()

    def write() -> None:
        for t in range(TRANSACTIONS):
            with transaction(sessions) as session:
                for n in range(PER_TRANSACTION):
                    record(session, "task.created", project_id=projects[(t + n) % 2], actor_id=None,
                           payload={"task_id": t * PER_TRANSACTION + n})
            if t == TRANSACTIONS // 2:
                half_written.set()
                resume.wait(timeout=30)  # the second half is written after the hand-over

    first, second = broker.relay(engine, tmp_path, batch_size=25), broker.relay(engine, tmp_path, batch_size=25)
    writer = threading.Thread(target=write)
    try:
        with running(first) as stop_first:
            writer.start()
            wait_until(lambda: first.stats.published > 0, what="the first relay to publish")
            with running(second):
                half_written.wait(timeout=30)
                assert second.stats.published == 0 and not second.stats.led  # it waits for the lock
                stop_first.set()  # the active relay goes away mid-stream; the waiting one takes over
                resume.set()
                writer.join(timeout=60)
                with engine.connect() as conn:
                    expected = [r[0] for r in conn.execute(select(Event.id).order_by(Event.id))]
                wait_until(lambda: len(collector.ids()) >= len(expected), what="every event to be consumed")
                wait_until(lambda: first.stats.published + second.stats.published == len(expected),
                           what="every event to be marked")
    finally:
        collector.close()

    assert collector.ids() == expected  # every event once, in id order
    assert collector.consumer.stats.duplicates == 0  # a clean hand-over publishes nothing twice
    assert first.stats.published > 0 and second.stats.published > 0  # the second relay did take over
    assert_in_project_order(collector.by_project())
