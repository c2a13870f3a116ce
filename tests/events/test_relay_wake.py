"""On PostgreSQL an idle relay wakes on the NOTIFY of any commit that wrote to the outbox, not at its next poll."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from relayhelpers import Broker, Collector, wait_until
from sqlalchemy import Engine, text

from backend.core.db import make_session_factory, transaction
from backend.events import relay as relay_module
from backend.events.repository import OUTBOX_CHANNEL, requeue
from backend.events.service import record, record_now
from tests.conftest import Actor


def test_an_idle_relay_wakes_on_the_commit_not_its_poll(
        broker: Broker, engine: Engine, is_postgres: bool, make_user: Callable[..., Actor], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    if not is_postgres:
        pytest.skip("SQLite has no NOTIFY: a relay in the writer's process is woken in-process, others poll")
    owner = make_user("owner@example.com")
    project = owner.client.post("/api/v1/projects", json={"name": "P"}).json()["id"]
    collector = Collector(broker, broker.queue("files"), ["file.*", "project.*"], tmp_path / "dedup.db").start()
    # An idle relay would next look after ten minutes: only the commit's NOTIFY can bring the event in time.
    monkeypatch.setattr(relay_module, "IDLE_POLL_CAP_S", 600.0)
    monkeypatch.setattr(relay_module, "LISTENING_POLL_S", 600.0)
    relay = broker.relay(engine, tmp_path, poll_interval_s=600.0)
    stop = threading.Event()
    thread = threading.Thread(target=relay.run, args=(stop,), daemon=True)
    thread.start()
    try:
        wait_until(lambda: len(collector.ids()) == 1, what="project.created, published at start")
        with transaction(make_session_factory(engine)) as session:
            record(session, "file.created", project_id=project, actor_id=None, payload={"file_id": 1})
        wait_until(lambda: len(collector.ids()) == 2, timeout=30, what="file.created, woken by NOTIFY")
        with transaction(make_session_factory(engine)) as session:  # a row written at once, for its id
            record_now(session, "file.deleted", project_id=project, actor_id=None, payload={"file_id": 1})
        wait_until(lambda: len(collector.ids()) == 3, timeout=30, what="file.deleted (record_now), woken")
        with transaction(make_session_factory(engine)) as session:  # sent again: marked unpublished
            assert requeue(session, project, 0, []) == 3

        def unpublished() -> int:
            with engine.connect() as conn:
                return int(conn.execute(text("SELECT count(*) FROM events WHERE published_at IS NULL")).scalar_one())
        wait_until(lambda: unpublished() == 0, timeout=30, what="the requeued events, woken by NOTIFY")
    finally:
        stop.set()
        with engine.begin() as conn:  # wake it once more so that it sees the stop now
            conn.execute(text("SELECT pg_notify(:c, '')"), {"c": OUTBOX_CHANNEL})
        thread.join(timeout=10)
        collector.close()
    assert not thread.is_alive()
    # consumers drop the requeued copies by event id
    assert [e.type for e in collector.events] == ["project.created", "file.created", "file.deleted"]
