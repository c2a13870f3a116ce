"""A handler that always fails: retried, then dead-lettered with the error, while other events flow on."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from groundwork.events import ATTEMPTS_HEADER, ERROR_HEADER, EventMessage, Reject
from relayhelpers import Broker, Collector, wait_until
from sqlalchemy import Engine

from backend.core.db import make_session_factory, transaction
from backend.events.service import record
from tests.conftest import Actor


def _fail_on_poison(event: EventMessage) -> None:
    if event.payload.get("poison"):
        raise ValueError(f"cannot handle file {event.payload['file_id']}")
    if event.payload.get("reject"):
        raise Reject("not for us, ever")


def test_failing_event_goes_to_the_dead_letter_queue_after_max_attempts(
        broker: Broker, engine: Engine, make_user: Callable[..., Actor], tmp_path: Path) -> None:
    owner = make_user("owner@example.com")
    project = owner.client.post("/api/v1/projects", json={"name": "P"}).json()["id"]
    queue = broker.queue("flaky")
    collector = Collector(broker, queue, ["file.*"], tmp_path / "dedup.db", fail=_fail_on_poison).start()
    with transaction(make_session_factory(engine)) as session:
        for n in range(30):
            payload = {"file_id": n, "poison": n == 3, "reject": n == 7}
            record(session, "file.created", project_id=project, actor_id=None, payload=payload)
    try:
        broker.relay(engine, tmp_path).drain()
        wait_until(lambda: len(collector.ids()) == 28, what="the 28 good events")
        wait_until(lambda: collector.consumer.stats.dead_lettered == 2, what="two dead letters")
    finally:
        collector.close()

    stats = collector.consumer.stats
    assert stats.retried == 2  # attempts 1 and 2 failed and were retried; attempt 3 was the last
    assert sorted(e.payload["file_id"] for e in collector.events) == [n for n in range(30) if n not in (3, 7)]
    letters = {json.loads(m.body)["payload"]["file_id"]: m for m in broker.dead_letters(queue)}
    assert set(letters) == {3, 7}
    assert letters[3].headers[ATTEMPTS_HEADER] == 3
    assert "ValueError: cannot handle file 3" in letters[3].headers[ERROR_HEADER]
    assert letters[7].headers[ATTEMPTS_HEADER] == 1  # Reject: dead-lettered at once
    assert "not for us" in letters[7].headers[ERROR_HEADER]
    assert EventMessage.from_json(letters[3].body).type == "file.created"  # the original event, intact
