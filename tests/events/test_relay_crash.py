"""A relay killed between publishing a batch and marking it: nothing is lost, the redelivery is dropped."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from relayhelpers import Broker, Collector, assert_in_project_order, running, wait_until
from sqlalchemy import Engine, func, select

from backend.config import Settings
from backend.core.db import make_session_factory, transaction
from backend.events.models import Event
from backend.events.service import record_many
from tests.conftest import Actor

CHILD = Path(__file__).with_name("relay_child.py")
EVENTS, BATCH = 250, 100


def test_relay_killed_mid_batch_loses_nothing_and_duplicates_are_dropped(
        broker: Broker, engine: Engine, settings: Settings, make_user: Callable[..., Actor], tmp_path: Path) -> None:
    owner = make_user("owner@example.com")
    projects = [owner.client.post("/api/v1/projects", json={"name": f"P{i}"}).json()["id"] for i in range(2)]
    with transaction(make_session_factory(engine)) as session:
        for start in range(0, EVENTS, 25):  # transactions of 25 events, alternating projects
            record_many(session, "file.created", project_id=projects[(start // 25) % 2], actor_id=None,
                        payloads=[{"file_id": n} for n in range(start, start + 25)])
    with engine.connect() as conn:
        expected = [r[0] for r in conn.execute(select(Event.id).order_by(Event.id))]
    collector = Collector(broker, broker.queue("files"), ["file.*", "project.*"], tmp_path / "dedup.db").start()
    marker = tmp_path / "published-not-marked"
    env = {**os.environ, "GW_DB_URL": settings.resolved_database_url, "GW_BROKER_URL": broker.url or "",
           "GW_DATA_DIR": str(broker.data_dir), "GW_LOCK_DIR": str(tmp_path), "GW_EXCHANGE": broker.exchange,
           "GW_BATCH": str(BATCH), "GW_MARKER": str(marker)}
    child = subprocess.Popen([sys.executable, str(CHILD)], env=env)
    try:
        try:
            wait_until(marker.exists, timeout=30, what="the child relay to publish its first batch")
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=10)
        first_batch = [int(i) for i in marker.read_text().split(",")]
        assert first_batch == expected[:BATCH]
        wait_until(lambda: len(collector.ids()) == BATCH, what="the published batch to be consumed")
        with engine.connect() as conn:  # published, but the relay died before marking them
            assert conn.execute(select(func.count()).where(Event.published_at.is_not(None))).scalar() == 0

        relay = broker.relay(engine, tmp_path, batch_size=BATCH)
        with running(relay):  # a new relay takes the lock the dead one held, and starts over
            wait_until(lambda: len(collector.ids()) == len(expected), what="every event to be consumed")
            wait_until(lambda: collector.consumer.stats.duplicates == BATCH, what="the redelivered batch")
            wait_until(lambda: relay.stats.published == len(expected), what="the relay to mark everything")
    finally:
        collector.close()

    assert collector.ids() == expected  # each handled once, in order
    assert collector.consumer.stats.duplicates == BATCH  # the first batch came twice; dedup dropped it
    assert_in_project_order(collector.by_project())
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).where(Event.published_at.is_(None))).scalar() == 0
