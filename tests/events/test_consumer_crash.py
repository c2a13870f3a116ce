"""A consumer killed in the middle of an event: the event is delivered again (also on the embedded broker)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from relayhelpers import Broker, Collector, wait_until
from sqlalchemy import Engine, select

from backend.core.db import make_session_factory, transaction
from backend.events.models import Event
from backend.events.service import record_many
from tests.conftest import Actor

CHILD = Path(__file__).with_name("consumer_child.py")


def test_killed_consumer_event_is_redelivered_in_its_place(
        broker: Broker, engine: Engine, make_user: Callable[..., Actor], tmp_path: Path) -> None:
    owner = make_user("owner@example.com")
    owner.client.post("/api/v1/projects", json={"name": "P"})
    queue = broker.queue("work")
    Collector(broker, queue, ["#"], tmp_path / "unused.db").consumer.connection.close()  # declare the queue
    with transaction(make_session_factory(engine)) as session:
        project = session.execute(select(Event.project_id)).scalar()
        record_many(session, "file.created", project_id=project, actor_id=None,
                    payloads=[{"file_id": n} for n in range(20)])
    broker.relay(engine, tmp_path).drain()
    with engine.connect() as conn:
        expected = [r[0] for r in conn.execute(select(Event.id).order_by(Event.id))]

    marker = tmp_path / "handling"
    env = {**os.environ, "GW_BROKER_URL": broker.url or "", "GW_DATA_DIR": str(broker.data_dir),
           "GW_EXCHANGE": broker.exchange, "GW_QUEUE": queue, "GW_MARKER": str(marker),
           "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "sdk")}
    child = subprocess.Popen([sys.executable, str(CHILD)], env=env)
    try:
        wait_until(marker.exists, timeout=30, what="the child consumer to start on an event")
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    assert int(marker.read_text()) == expected[0]

    collector = Collector(broker, queue, ["#"], tmp_path / "dedup.db").start()
    try:
        wait_until(lambda: len(collector.ids()) == len(expected), what="every event, the killed one included")
    finally:
        collector.close()
    assert collector.ids() == expected  # the interrupted event first, in its place
