"""A rolled-back change leaves no event row, so nothing is ever published for it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from relayhelpers import Broker, Collector, wait_until
from sqlalchemy import Engine, select

from backend.core.db import make_session_factory, transaction
from backend.core.errors import ValidationFailed
from backend.events.models import Event
from backend.events.service import flush_events, record
from backend.projects import service as projects_service
from tests.conftest import Actor


def _event_types(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(select(Event.type).order_by(Event.id))]


def test_a_request_that_fails_after_recording_its_event_leaves_no_event(
        broker: Broker, engine: Engine, make_user: Callable[..., Actor], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    owner = make_user("owner@example.com")
    project = owner.client.post("/api/v1/projects", json={"name": "P"}).json()["id"]
    real_record = projects_service.record

    def record_then_fail(*args: Any, **kwargs: Any) -> Any:
        real_record(*args, **kwargs)  # the event is in the transaction...
        raise ValidationFailed("refused after the event was recorded", field="body.description")

    monkeypatch.setattr(projects_service, "record", record_then_fail)
    r = owner.client.patch(f"/api/v1/projects/{project}", json={"description": "never"})
    assert r.status_code == 422
    assert r.json()["error"]["fields"][0]["field"] == "body.description"
    monkeypatch.undo()

    assert "project.updated" not in _event_types(engine)  # ...and rolled back with the change
    assert owner.client.get(f"/api/v1/projects/{project}").json()["description"] != "never"

    collector = Collector(broker, broker.queue("projects"), ["project.*"], tmp_path / "dedup.db").start()
    try:
        relay = broker.relay(engine, tmp_path)
        relay.drain()
        wait_until(lambda: len(collector.ids()) == 1, what="project.created")
        relay.drain()
        r = owner.client.patch(f"/api/v1/projects/{project}", json={"description": "kept"})
        assert r.status_code == 200
        assert relay.drain() == 1
        wait_until(lambda: len(collector.ids()) == 2, what="the committed project.updated")
    finally:
        collector.close()
    assert [e.type for e in collector.events] == ["project.created", "project.updated"]
    assert collector.events[1].payload == {"project_id": project, "changed": ["description"]}


def test_a_rolled_back_session_leaves_no_event(engine: Engine, make_user: Callable[..., Actor]) -> None:
    owner = make_user("owner@example.com")
    project = owner.client.post("/api/v1/projects", json={"name": "P"}).json()["id"]
    sessions = make_session_factory(engine)

    def failing_change() -> None:
        with transaction(sessions) as session:
            record(session, "file.created", project_id=project, actor_id=None, payload={"file_id": 1})
            flush_events(session)  # the row was written inside the transaction
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        failing_change()
    assert _event_types(engine) == ["project.created"]


def test_a_rolled_back_savepoint_takes_its_events_and_keeps_the_others(
        engine: Engine, make_user: Callable[..., Actor]) -> None:
    owner = make_user("owner@example.com")
    project = owner.client.post("/api/v1/projects", json={"name": "P"}).json()["id"]
    sessions = make_session_factory(engine)
    with transaction(sessions) as session:
        record(session, "file.created", project_id=project, actor_id=None, payload={"file_id": 1})
        savepoint = session.begin_nested()
        record(session, "file.deleted", project_id=project, actor_id=None, payload={"file_id": 1})
        savepoint.rollback()  # the savepoint's change failed
        with session.begin_nested():
            record(session, "file.restored", project_id=project, actor_id=None, payload={"file_id": 1})
        record(session, "file.deleted", project_id=project, actor_id=None, payload={"file_id": 2})
    session = sessions()
    record(session, "file.created", project_id=project, actor_id=None, payload={"file_id": 3})
    session.rollback()  # before any SQL ran
    session.commit()
    session.close()
    with engine.connect() as conn:
        rows = conn.execute(select(Event.type, Event.payload).where(Event.type.like("file.%")).order_by(Event.id))
        assert [(t, p["file_id"]) for t, p in rows] == [("file.created", 1), ("file.restored", 1), ("file.deleted", 2)]
