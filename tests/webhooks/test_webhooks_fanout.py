"""Fan-out from the outbox: pattern matching, idempotent passes, concurrent dispatchers, late commits."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from hookhelpers import Receiver
from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from backend.config import Settings
from backend.core.db import transaction
from backend.core.types import utcnow
from backend.events.models import Event
from backend.events.service import record
from backend.webhooks.dispatcher import fan_out_once, send_due_once
from backend.webhooks.models import WebhookDelivery, WebhookFanoutCursor, WebhookSubscription
from backend.webhooks.signing import seal
from tests.conftest import Team

PUBLIC = "https://93.184.216.34/hook"


def _hook(client: TestClient, project_id: int, types: list[str], url: str = PUBLIC, **extra: Any) -> int:
    res = client.post(f"/api/v1/projects/{project_id}/webhooks", json={"url": url, "event_types": types, **extra})
    assert res.status_code == 201, res.text
    return int(res.json()["id"])


def _delivered_types(engine: Engine, hook_id: int) -> set[str]:
    with Session(engine) as s:
        return set(s.scalars(select(WebhookDelivery.event_type).where(WebhookDelivery.subscription_id == hook_id)))


def _delivery_count(engine: Engine) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(WebhookDelivery)) or 0


DOMAIN_TYPES = ["task.created", "task.submitted", "annotation.created", "annotation.updated",
                "annotations.bulk_written", "file.created"]


def test_events_go_to_the_matching_active_webhooks_of_their_project(team: Team, engine: Engine,
                                                                    factory: sessionmaker[Session]) -> None:
    with transaction(factory) as s:  # before any webhook exists: delivered to none
        record(s, "task.created", project_id=team.project_id, actor_id=None, payload={"early": True})
    admin = team.admin.client
    tasks = _hook(admin, team.project_id, ["task.*"])
    created = _hook(admin, team.project_id, ["annotation.created", "file.*"])
    everything = _hook(admin, team.project_id, ["*"])
    off = _hook(admin, team.project_id, ["*"], active=False)
    other_project = team.outsider.client.get("/api/v1/projects").json()["items"][0]["id"]
    theirs = _hook(team.outsider.client, other_project, ["*"])
    with transaction(factory) as s:
        for type_ in DOMAIN_TYPES:
            record(s, type_, project_id=team.project_id, actor_id=team.admin.user.id, payload={})
        record(s, "file.deleted", project_id=other_project, actor_id=None, payload={})
    fan_out_once(factory)

    assert _delivered_types(engine, tasks) == {"task.created", "task.submitted"}
    assert _delivered_types(engine, created) == {"annotation.created", "file.created"}
    assert _delivered_types(engine, everything) - {"webhook.created"} == set(DOMAIN_TYPES)
    assert _delivered_types(engine, off) == set()
    assert _delivered_types(engine, theirs) == {"file.deleted", "webhook.created"}  # its own creation too
    with Session(engine) as s:
        early = s.scalars(select(Event.id).where(Event.type == "task.created").order_by(Event.id)).first()
        assert s.scalar(select(func.count()).select_from(WebhookDelivery)
                        .where(WebhookDelivery.event_id == early)) == 0


def test_fan_out_twice_queues_nothing_twice(team: Team, engine: Engine, factory: sessionmaker[Session]) -> None:
    _hook(team.admin.client, team.project_id, ["*"])
    with transaction(factory) as s:
        for _ in range(5):
            record(s, "file.created", project_id=team.project_id, actor_id=None, payload={})
    assert fan_out_once(factory) > 0
    queued = _delivery_count(engine)
    assert fan_out_once(factory) == 0
    with Session(engine) as s, s.begin():  # even re-reading the whole outbox adds nothing
        s.execute(update(WebhookFanoutCursor).values(last_event_id=0, gaps=[]))
    fan_out_once(factory)
    assert _delivery_count(engine) == queued == 6  # five files and the webhook's own creation


def test_concurrent_dispatchers_send_each_delivery_once(team: Team, engine: Engine, factory: sessionmaker[Session],
                                                         receiver: Callable[[], Receiver],
                                                         hook_client: Callable[..., TestClient],
                                                         hook_settings: Callable[..., Settings]) -> None:
    server = receiver()
    server.delay_s = 0.02
    client = hook_client(team.admin.token)
    res = client.post(f"/api/v1/projects/{team.project_id}/webhooks",
                      json={"url": server.url(), "event_types": ["file.created"]})
    server.secret = res.json()["secret"]
    with transaction(factory) as s:
        for i in range(40):
            record(s, "file.created", project_id=team.project_id, actor_id=None, payload={"file_id": i})
    cfg = hook_settings()
    errors: list[BaseException] = []

    def dispatcher() -> None:
        try:
            for _ in range(100):
                fanned = fan_out_once(factory, batch=7)
                if not send_due_once(factory, cfg, limit=3) and not fanned:
                    return
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=dispatcher) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    seen = Counter(r.json["payload"]["file_id"] for r in server.received)
    assert seen == Counter(range(40))  # every event once, none twice
    assert all(r.verified for r in server.received)
    assert _delivery_count(engine) == 40


def _raw_hook(engine: Engine, settings: Settings, project_id: int) -> int:
    with Session(engine) as s, s.begin():
        sub = WebhookSubscription(project_id=project_id, url=PUBLIC, event_types=["*"], description="",
                                  secret_encrypted=seal(settings, "whsec_x" * 3),
                                  active=True, consecutive_failures=0)
        s.add(sub)
        s.flush()
        return sub.id


def _event_with_id(engine: Engine, event_id: int, project_id: int) -> None:
    with Session(engine) as s, s.begin():
        s.execute(insert(Event).values(id=event_id, project_id=project_id, type="file.created", payload={},
                                       schema_version=1, occurred_at=utcnow()))


def test_an_event_committed_late_below_the_cursor_is_still_delivered(
        team: Team, engine: Engine, settings: Settings, factory: sessionmaker[Session]) -> None:
    # PostgreSQL hands out ids when rows are inserted, but transactions commit in any order: id 10003
    # can become visible after 10004 was read. Explicit ids stand in for that interleaving.
    hook = _raw_hook(engine, settings, team.project_id)
    for event_id in (10001, 10002, 10004):
        _event_with_id(engine, event_id, team.project_id)
    fan_out_once(factory)
    with Session(engine) as s:
        cursor = s.get(WebhookFanoutCursor, 1)
        assert cursor is not None and cursor.last_event_id == 10004
        assert [gap[0] for gap in cursor.gaps] == [10003]
    _event_with_id(engine, 10003, team.project_id)  # the slow transaction commits
    fan_out_once(factory)
    with Session(engine) as s:
        ids = set(s.scalars(select(WebhookDelivery.event_id).where(WebhookDelivery.subscription_id == hook)))
        assert {10001, 10002, 10003, 10004} <= ids
        cursor = s.get(WebhookFanoutCursor, 1)
        assert cursor is not None and cursor.gaps == []

    # A gap that stays empty past the timeout is taken for a rolled-back transaction and forgotten.
    _event_with_id(engine, 10006, team.project_id)
    fan_out_once(factory, gap_timeout_s=0)
    _event_with_id(engine, 10005, team.project_id)
    fan_out_once(factory)
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(WebhookDelivery)
                        .where(WebhookDelivery.event_id == 10005)) == 0


def test_events_after_a_deleted_project_are_not_skipped(team: Team, engine: Engine,
                                                        factory: sessionmaker[Session]) -> None:
    hook = _hook(team.admin.client, team.project_id, ["file.*"])
    doomed = team.admin.client.post("/api/v1/projects", json={"name": "Short-lived"}).json()["id"]
    with transaction(factory) as s:
        for _ in range(3):
            record(s, "file.created", project_id=doomed, actor_id=None, payload={})
    fan_out_once(factory)
    # Deleting the project deletes the newest events; SQLite may then give their ids to new rows.
    assert team.admin.client.delete(f"/api/v1/projects/{doomed}").status_code == 204
    fan_out_once(factory)
    with transaction(factory) as s:
        record(s, "file.created", project_id=team.project_id, actor_id=None, payload={"fresh": True})
    fan_out_once(factory)
    assert _delivered_types(engine, hook) == {"file.created"}
