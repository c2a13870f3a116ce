"""Helpers for the relay and consumer tests: a broker under test, a collecting consumer, a cuttable TCP proxy."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import kombu
from groundwork.events import Consumer, EventMessage, RetryPolicy, SqlIdempotencyStore, connection_for
from sqlalchemy import Engine, select

from backend.core.db import make_session_factory, transaction
from backend.events.leadership import leadership_for
from backend.events.models import Event
from backend.events.relay import Relay
from backend.events.service import record_many

RABBIT_URL = os.environ.get("GROUNDWORK_TEST_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")


def wait_until(predicate: Callable[[], bool], timeout: float = 20.0, what: str = "condition") -> None:
    """Poll ``predicate`` until it holds; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.01)


@dataclass
class Broker:
    """The broker a test runs against: RabbitMQ (unique names) or the embedded transport (own folder)."""

    kind: str
    url: str | None
    data_dir: Path
    exchange: str
    prefix: str
    queues: list[str] = field(default_factory=list)

    def connection(self) -> kombu.Connection:
        """A consumer-side connection (publisher confirms on for retries and dead letters)."""
        return connection_for(self.url, self.data_dir)

    def relay_connection(self) -> kombu.Connection:
        """A relay-side connection (the relay confirms per batch itself)."""
        return connection_for(self.url, self.data_dir, confirm_publish=False)

    def queue(self, name: str) -> str:
        """A queue name unique to this test run (remembered for clean-up)."""
        full = f"{self.prefix}.{name}"
        self.queues += [full, f"{full}.dlq"]
        return full

    def relay(self, engine: Engine, lock_dir: Path, *, connect: Callable[[], kombu.Connection] | None = None,
              **kwargs: Any) -> Relay:
        """A relay over ``engine`` publishing to this broker; ``lock_dir`` holds the SQLite relay lock."""
        options: dict[str, Any] = {"batch_size": 200, "poll_interval_s": 0.02, "lock_retry_s": 0.05,
                                   "max_backoff_s": 0.5, **kwargs}
        return Relay(engine, connect or self.relay_connection, leadership_for(engine, lock_dir),
                     exchange=self.exchange, **options)

    def dead_letters(self, queue: str) -> list[Any]:
        """Drain ``<queue>.dlq`` and return its messages."""
        out = []
        with self.connection() as conn:
            bound = kombu.Queue(f"{queue}.dlq", durable=True)(conn.default_channel)
            while (message := bound.get(no_ack=True)) is not None:
                out.append(message)
        return out

    def cleanup(self) -> None:
        """Delete what this test declared on RabbitMQ (the embedded broker lives in a temporary folder)."""
        if self.kind != "rabbitmq":
            return
        with connection_for(self.url, self.data_dir) as conn:
            channel = conn.channel()
            for name in self.queues:
                with suppress(Exception):
                    channel.queue_delete(name)
            with suppress(Exception):
                channel.exchange_delete(self.exchange)


class Collector:
    """A consumer on a thread that records what its handler saw, per project."""

    def __init__(self, broker: Broker, queue: str, patterns: list[str], dedup_path: Path,
                 fail: Callable[[EventMessage], None] | None = None, retry: RetryPolicy | None = None) -> None:
        self.events: list[EventMessage] = []
        self.lock = threading.Lock()
        self.fail = fail
        self.consumer = Consumer(broker.connection(), queue, patterns, self._handle, exchange=broker.exchange,
                                 dedup=SqlIdempotencyStore(f"sqlite:///{dedup_path}"),
                                 retry=retry or RetryPolicy(max_attempts=3, base_delay_s=0.01, max_delay_s=0.05))
        self.consumer.declare()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.consumer.run, args=(self.stop,), kwargs={"poll_s": 0.05},
                                       daemon=True)

    def _handle(self, event: EventMessage) -> None:
        if self.fail is not None:
            self.fail(event)
        with self.lock:
            self.events.append(event)

    def ids(self) -> list[int]:
        """Event ids in the order they were handled."""
        with self.lock:
            return [e.id for e in self.events]

    def by_project(self) -> dict[int | None, list[int]]:
        """Handled event ids per project, in handling order."""
        out: dict[int | None, list[int]] = defaultdict(list)
        with self.lock:
            for e in self.events:
                out[e.project_id].append(e.id)
        return out

    def start(self) -> Collector:
        """Start consuming on a daemon thread."""
        self.thread.start()
        return self

    def close(self) -> None:
        """Stop consuming and close the connection."""
        self.stop.set()
        self.thread.join(timeout=10)
        self.consumer.connection.close()


class TcpProxy:
    """A TCP forwarder to ``target`` that can be closed (the broker "goes away") and opened again."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = int(s.getsockname()[1])
        self._server: socket.socket | None = None
        self._conns: list[socket.socket] = []
        self._lock = threading.Lock()

    def open(self) -> None:
        """Start accepting connections on ``self.port``."""
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self.port))
        server.listen(16)
        self._server = server
        threading.Thread(target=self._accept, args=(server,), daemon=True).start()

    def close(self) -> None:
        """Refuse new connections and cut the open ones."""
        server, self._server = self._server, None
        if server is not None:
            with suppress(OSError):
                server.shutdown(socket.SHUT_RDWR)
            server.close()
        with self._lock:
            for conn in self._conns:
                with suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
                conn.close()
            self._conns.clear()

    def _accept(self, server: socket.socket) -> None:
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            with self._lock:
                self._conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        with suppress(OSError):
            while data := src.recv(65536):
                dst.sendall(data)
        with suppress(OSError):
            dst.shutdown(socket.SHUT_WR)


@contextmanager
def running(relay: Relay) -> Iterator[threading.Event]:
    """Run ``relay`` on a thread for the duration of the block; yields its stop event."""
    stop = threading.Event()
    thread = threading.Thread(target=relay.run, args=(stop,), daemon=True)
    thread.start()
    try:
        yield stop
    finally:
        stop.set()
        thread.join(timeout=10)


def assert_in_project_order(by_project: dict[int | None, list[int]]) -> None:
    """Each project's events arrived in increasing id order."""
    for project, ids in by_project.items():
        assert ids == sorted(ids), f"project {project}: events out of order"


def published(broker: Broker, engine: Engine, make_user: Callable[..., Any], tmp_path: Path, queue_name: str,
              events: int) -> tuple[str, list[int]]:
    """A project, a queue bound to every event, and ``events`` file.created events relayed onto it.

    Returns the queue and the ids of every event on it in order (the project's own events first).
    """
    owner = make_user(f"owner-{queue_name}@example.com")
    owner.client.post("/api/v1/projects", json={"name": "P"})
    queue = broker.queue(queue_name)
    Collector(broker, queue, ["#"], tmp_path / "unused.db").consumer.connection.close()  # declare the queue
    with transaction(make_session_factory(engine)) as session:
        project = session.execute(select(Event.project_id)).scalar()
        record_many(session, "file.created", project_id=project, actor_id=None,
                    payloads=[{"file_id": n} for n in range(events)])
    broker.relay(engine, tmp_path).drain()
    with engine.connect() as conn:
        return queue, [r[0] for r in conn.execute(select(Event.id).order_by(Event.id))]


def child_env(broker: Broker, queue: str, **extra: str) -> dict[str, str]:
    """The environment of a consumer child process (``*_child.py``) on ``queue``."""
    return {**os.environ, "GW_BROKER_URL": broker.url or "", "GW_DATA_DIR": str(broker.data_dir),
            "GW_EXCHANGE": broker.exchange, "GW_QUEUE": queue,
            "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "sdk"), **extra}
