"""PostgreSQL: an event whose transaction commits late is still published before the ids after it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from relayhelpers import Broker, Collector, wait_until
from sqlalchemy import Engine

from backend.core.db import make_session_factory, transaction
from backend.events.publisher import Publisher
from backend.events.service import record_now
from tests.conftest import Actor


def test_relay_waits_for_a_transaction_holding_a_lower_id(
        broker: Broker, engine: Engine, is_postgres: bool, make_user: Callable[..., Actor], tmp_path: Path) -> None:
    if not is_postgres:
        pytest.skip("SQLite serialises writers, so ids are handed out in commit order already")
    owner = make_user("owner@example.com")
    project = owner.client.post("/api/v1/projects", json={"name": "P"}).json()["id"]
    collector = Collector(broker, broker.queue("files"), ["file.*"], tmp_path / "dedup.db").start()
    sessions = make_session_factory(engine)
    relay = broker.relay(engine, tmp_path, order_wait_s=20)
    publisher = Publisher(broker.relay_connection(), broker.exchange)
    publisher.open()
    slow = sessions()
    try:
        early = record_now(slow, "file.created", project_id=project, actor_id=None, payload={"file_id": 1})
        # id taken, not committed yet
        with transaction(sessions) as fast:
            late = record_now(fast, "file.created", project_id=project, actor_id=None, payload={"file_id": 2})
        assert early.id < late.id
        batch = threading.Thread(target=relay.relay_batch, args=(publisher,))
        batch.start()
        time.sleep(0.5)
        assert batch.is_alive() and collector.ids() == []  # it does not publish `late` ahead of `early`
        slow.commit()
        batch.join(timeout=20)
        wait_until(lambda: len(collector.ids()) == 2, what="both events")
    finally:
        slow.close()
        publisher.close()
        collector.close()
    assert collector.ids() == [early.id, late.id]
