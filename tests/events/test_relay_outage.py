"""The broker is away while 1,000 writes happen; once it is back, every event arrives once, in project order."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse

import kombu
from relayhelpers import Broker, Collector, TcpProxy, assert_in_project_order, running, wait_until
from sqlalchemy import Engine, func, select

from backend.core.db import make_session_factory, transaction
from backend.events.models import Event
from backend.events.service import record
from tests.conftest import Actor

WRITES = 1000


def _relay_target(broker: Broker) -> tuple[Callable[[], kombu.Connection], Callable[[], None], Callable[[], None]]:
    """A connection factory for the relay, and the switches that take its broker away and bring it back."""
    if broker.kind == "rabbitmq":
        url = urlparse(broker.url)
        proxy = TcpProxy((url.hostname or "127.0.0.1", url.port or 5672))
        proxied = broker.url.replace(url.netloc, f"{url.username}:{url.password}@127.0.0.1:{proxy.port}")  # type: ignore[union-attr]

        def connect() -> kombu.Connection:
            return kombu.Connection(proxied, transport_options={"confirm_publish": False}, connect_timeout=2)

        return connect, proxy.close, proxy.open
    # The embedded broker has no server to stop: while "away", the relay is pointed at a closed port.
    away = [False]
    closed = TcpProxy(("127.0.0.1", 9))  # never opened: connections to its port are refused

    def connect_embedded() -> kombu.Connection:
        if away[0]:
            return kombu.Connection(f"amqp://guest:guest@127.0.0.1:{closed.port}//", connect_timeout=2)
        return broker.relay_connection()

    def go() -> None:
        away[0] = True

    def back() -> None:
        away[0] = False

    return connect_embedded, go, back


def test_broker_away_during_writes_then_everything_arrives_once_in_order(
        broker: Broker, engine: Engine, make_user: Callable[..., Actor], tmp_path: Path) -> None:
    owner = make_user("owner@example.com")
    projects = [owner.client.post("/api/v1/projects", json={"name": f"P{i}"}).json()["id"] for i in range(3)]
    collector = Collector(broker, broker.queue("all"), ["project.*", "member.#"], tmp_path / "dedup.db").start()
    connect, take_away, bring_back = _relay_target(broker)
    take_away()
    relay = broker.relay(engine, tmp_path, connect=connect, batch_size=50)
    sessions = make_session_factory(engine)
    try:
        with running(relay):
            def write(project: int) -> None:  # one writer per project, the projects at the same time
                for n in range(WRITES * 9 // 10 // 3):
                    with transaction(sessions) as session:
                        record(session, "project.updated", project_id=project, actor_id=owner.user.id,
                               payload={"project_id": project, "changed": ["description"], "n": n})

            with ThreadPoolExecutor(3) as pool:
                writers = [pool.submit(write, p) for p in projects]
                for i in range(WRITES // 10):  # and a tenth of the writes through the real API
                    r = owner.client.patch(f"/api/v1/projects/{projects[i % 3]}", json={"description": f"v{i}"})
                    assert r.status_code == 200, r.text
                for w in writers:
                    w.result()
            wait_until(lambda: relay.stats.broker_failures >= 2, what="the relay to fail to reach the broker")
            with engine.connect() as conn:
                expected = [row[0] for row in conn.execute(select(Event.id).order_by(Event.id))]
                assert conn.execute(select(func.count()).where(Event.published_at.is_not(None))).scalar() == 0
            assert len(expected) >= WRITES + 3  # + each project's project.created
            assert collector.ids() == []

            bring_back()
            wait_until(lambda: len(collector.ids()) >= 200, what="the relay to catch up")
            failures = relay.stats.broker_failures
            take_away()  # and once more while catching up (RabbitMQ: open connections are cut)
            with transaction(sessions) as session:  # something to publish, so the relay meets the cut
                for n in range(10):
                    record(session, "project.updated", project_id=projects[n % 3], actor_id=None,
                           payload={"project_id": projects[n % 3], "changed": ["name"]})
            if broker.kind == "rabbitmq":
                wait_until(lambda: relay.stats.broker_failures > failures, what="the relay to notice")
            bring_back()
            with engine.connect() as conn:
                expected = [row[0] for row in conn.execute(select(Event.id).order_by(Event.id))]
            wait_until(lambda: len(collector.ids()) >= len(expected), timeout=60, what="every event to arrive")
            wait_until(lambda: relay.stats.published == len(expected), what="the relay to mark every event")
    finally:
        collector.close()
        take_away()

    assert sorted(collector.ids()) == expected  # all of them, each handled once
    assert_in_project_order(collector.by_project())
    assert set(collector.by_project()) == set(projects)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).where(Event.published_at.is_(None))).scalar() == 0
