"""Events: sustained events/s through outbox -> RabbitMQ -> consumer, and write-to-consumer latency at 500/s.

Setup (not timed): a fresh PostgreSQL database, a project, an exchange and a durable queue of their
own on RabbitMQ, and a consumer process (the SDK's ``Consumer``: ack after handling, dedup by event id).
1. Publisher confirms: 5,000 persistent messages confirmed one by one (kombu ``confirm_publish``)
   vs. per batch of 1,000 (what the relay does).
2. Stages: writer processes record N events with ``record()`` in transactions of 100 (an upload of
   100 files) with no relay running; then one relay drains the backlog; the consumer takes them.
3. End to end (the target): the writers record N more events while ``groundwork relay`` (the real
   command, default settings) and the consumer run; timed from the first write to the last event
   handled by the consumer.
4. Latency: one writer commits one event every 2 ms (500 events/s); latency = the consumer's clock
   when its handler runs minus the event's ``occurred_at`` (set when the write is made, so the
   commit, the relay's poll, the broker and the consumer are all on the clock).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import _common as c

NAME = "events"
TARGETS = {"events_per_s": ">= 5000", "latency_p99_ms": "< 100"}
BROKER_URL = os.environ.get("GROUNDWORK_BENCH_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
PER_TRANSACTION = 100  # one upload of 100 files, or one bulk annotation request


# -- the consumer process ------------------------------------------------------------------------------
def consume(exchange: str, queue: str, out: str, ready: str) -> None:
    """Consume every event, noting (event id, handled at, occurred at); dump them to ``out`` on SIGTERM."""
    from groundwork.events import Consumer, EventMessage, MemoryIdempotencyStore, connection_for

    seen: list[tuple[int, float, float]] = []

    def handle(event: EventMessage) -> None:
        seen.append((event.id, time.time(), event.occurred_at.timestamp()))

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    consumer = Consumer(connection_for(BROKER_URL, Path(out).parent), queue, ["file.*"], handle,
                        exchange=exchange, dedup=MemoryIdempotencyStore(), prefetch=1000)
    consumer.declare()
    Path(ready).write_text("ready")

    def report() -> None:
        while not stop.wait(0.05):
            Path(ready).write_text(str(len(seen)))

    threading.Thread(target=report, daemon=True).start()
    consumer.run(stop, poll_s=0.05)
    Path(out).write_text(json.dumps({"seen": seen, "duplicates": consumer.stats.duplicates}))


# -- writers -------------------------------------------------------------------------------------------
def write(database_url: str, data_dir: str, project: int, count: int, pace_s: float | None, per_tx: int,
          ready: Any, go: Any, cpu: Any) -> None:
    """Record ``count`` events in transactions of ``per_tx`` (one every ``pace_s`` if set), once ``go`` is set."""
    from backend.config import Settings
    from backend.core.db import make_engine, make_session_factory, transaction
    from backend.events.service import record
    from backend.models_registry import Base  # noqa: F401 (every table, so foreign keys resolve)

    settings = Settings(env="production", database_url=database_url, data_dir=Path(data_dir),
                        secret_key=c.SECRET_KEY)
    engine = make_engine(settings)
    sessions = make_session_factory(engine)
    with engine.connect():  # connected and imported before the clock starts
        pass
    ready.release()
    go.wait()
    cpu_start = time.process_time()
    next_at = time.perf_counter()
    for start in range(0, count, per_tx):
        if pace_s is not None:
            next_at += pace_s
            time.sleep(max(0.0, next_at - time.perf_counter()))
        with transaction(sessions) as session:
            for n in range(start, min(count, start + per_tx)):
                record(session, "file.created", project_id=project, actor_id=None,
                       payload={"file_id": n, "kind": "image", "name": f"img-{n:06d}.png"})
    with cpu.get_lock():
        cpu.value += time.process_time() - cpu_start
    engine.dispose()


def run_writers(inst: c.Instance, project: int, count: int, processes: int, pace_s: float | None,
                per_tx: int) -> tuple[float, float, float]:
    """Run ``processes`` writer processes sharing ``count`` events; (wall-clock start, seconds taken, their CPU).

    The clock (and the writers' CPU count) starts once every writer has started, imported and connected.
    """
    ctx = multiprocessing.get_context("spawn")
    ready, go, cpu = ctx.Semaphore(0), ctx.Event(), ctx.Value("d", 0.0)
    share = count // processes
    procs = [ctx.Process(target=write, args=(inst.database_url, str(inst.data_dir), project, share, pace_s, per_tx,
                                             ready, go, cpu)) for _ in range(processes)]
    for p in procs:
        p.start()
    for _ in procs:
        ready.acquire()
    start_wall, start = time.time(), time.perf_counter()
    go.set()
    for p in procs:
        p.join()
        if p.exitcode:
            raise RuntimeError(f"a writer process failed ({p.exitcode})")
    return start_wall, time.perf_counter() - start, float(cpu.value)


def wait_for(status: Path, count: int, timeout: float) -> None:
    """Wait until the consumer reports ``count`` events handled."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if int(status.read_text() or 0) >= count:
                return
        except (OSError, ValueError):
            pass
        time.sleep(0.02)
    raise RuntimeError(f"the consumer did not see {count} events in {timeout:.0f} s")


def wait_for_relay(inst: c.Instance, relay: subprocess.Popen[bytes], timeout: float = 120) -> None:
    """Wait until the relay process holds the relay lock (a PostgreSQL advisory lock in this database)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if relay.poll() is not None:
            raise RuntimeError(f"`groundwork relay` exited with {relay.returncode}")
        if inst.scalar("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                       "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"):
            time.sleep(0.5)  # it is in its loop; let it settle into its first idle wait
            return
        time.sleep(0.05)
    raise RuntimeError(f"`groundwork relay` did not take the relay lock in {timeout:.0f} s")


def relay_only(inst: c.Instance, exchange: str) -> float:
    """Drain the outbox with an in-process relay (batch confirms); seconds taken."""
    from backend.events.relay import build_relay

    settings = inst.settings.model_copy(update={"broker_url": BROKER_URL, "events_exchange": exchange})
    relay = build_relay(settings, inst.engine)
    start = time.perf_counter()
    relay.drain()
    return time.perf_counter() - start


def confirm_cost(exchange: str, count: int) -> dict[str, int]:
    """Publish ``count`` persistent messages to a durable queue, confirmed one by one and then per batch."""
    import kombu
    from groundwork.events import connection_for
    from groundwork.events.envelope import EventMessage

    from backend.events.publisher import Publisher

    events = [EventMessage(id=n, type="confirmtest.x", project_id=1, actor_id=None,
                           occurred_at=datetime.now(UTC), payload={"n": n}) for n in range(count)]
    queue = f"{exchange}.confirmtest"
    rates = {}
    with connection_for(BROKER_URL, Path(".")) as conn:  # confirm_publish=True: kombu waits per message
        ex = kombu.Exchange(exchange, "topic", durable=True)
        kombu.Queue(queue, ex, routing_key="confirmtest.#", durable=True)(conn.default_channel).declare()
        producer = kombu.Producer(conn.default_channel, exchange=ex)
        start = time.perf_counter()
        for e in events:
            producer.publish(e.to_json(), routing_key=e.type, content_type="application/json", delivery_mode=2,
                             message_id=str(e.id), retry=False)
        rates["confirm_per_message_events_per_s"] = round(count / (time.perf_counter() - start))
    publisher = Publisher(connection_for(BROKER_URL, Path("."), confirm_publish=False), exchange)
    publisher.open()
    start = time.perf_counter()
    for i in range(0, count, 1000):
        publisher.publish(events[i:i + 1000])
    rates["confirm_per_batch_events_per_s"] = round(count / (time.perf_counter() - start))
    publisher.close()
    with connection_for(BROKER_URL, Path(".")) as conn:
        conn.channel().queue_delete(queue)
    return rates


def main() -> None:
    """Run the benchmark and print its JSON line."""
    p = c.parser(__doc__ or NAME)
    p.add_argument("--events", type=int, help="events per throughput phase (default 100,000; --quick 20,000)")
    p.add_argument("--writers", type=int, default=2, help="writer processes in the throughput phase (default 2)")
    p.add_argument("--per-transaction", type=int, default=PER_TRANSACTION,
                   help=f"events per write transaction in the throughput phase (default {PER_TRANSACTION})")
    p.add_argument("--latency-seconds", type=float, help="length of the 500 events/s phase (default 20; --quick 6)")
    args = p.parse_args()
    total = args.events or (20_000 if args.quick else 100_000)
    paced_s = args.latency_seconds or (6.0 if args.quick else 20.0)
    paced = int(500 * paced_s)
    run = uuid.uuid4().hex[:8]
    exchange, queue = f"gw.bench.{run}", f"gw.bench.{run}.consumer"

    with c.instance() as inst:
        machine = c.machine(inst.database_url)
        machine["broker"] = "RabbitMQ " + broker_version()
        owner, _ = inst.user_with_token("owner@bench.local", superuser=True)
        project = make_project(inst, owner)
        out, status = inst.data_dir / "consumed.json", inst.data_dir / "consumer.status"
        consumer = subprocess.Popen([sys.executable, __file__, "--consume", exchange, queue, str(out), str(status)])
        env = {**inst.env(), "GROUNDWORK_BROKER_URL": BROKER_URL, "GROUNDWORK_EVENTS_EXCHANGE": exchange}
        relay: subprocess.Popen[bytes] | None = None
        try:
            wait_for(status, 0, 60)
            c.say("publisher confirms: one by one (kombu confirm_publish) vs per batch of 1,000 (the relay)")
            confirms = confirm_cost(exchange, 5000)
            c.say(f"stages: {args.writers} writers record {total} events (relay stopped), then one relay drains them")
            _, write_s, _ = run_writers(inst, project, total, args.writers, None, args.per_transaction)
            relay_s = relay_only(inst, exchange)
            wait_for(status, total, 300)

            relay = subprocess.Popen([str(Path(sys.executable).parent / "groundwork"), "relay"], cwd=c.ROOT, env=env,
                                     stderr=subprocess.DEVNULL)
            c.say(f"end to end: {args.writers} writers record {total} more events in transactions of "
                  f"{args.per_transaction} while `groundwork relay` and the consumer run")
            wait_for_relay(inst, relay)  # started and leading: its start-up is neither on the clock nor in its CPU
            relay_pid = relay.pid
            meters = {"relay": c.CpuMeter(lambda: c.process_tree(relay_pid)),
                      "consumer": c.CpuMeter(lambda: c.process_tree(consumer.pid)),
                      "database": c.CpuMeter(lambda: c.database_backends(inst))}
            for meter in meters.values():
                meter.start()
            start, _, writers_cpu = run_writers(inst, project, total, args.writers, None, args.per_transaction)
            wait_for(status, 2 * total, 300)
            cpu = {name: meter.stop() for name, meter in meters.items()}
            c.say(f"latency: {paced} events at 500 events/s, one per transaction")
            run_writers(inst, project, paced, 1, 0.002, 1)
            wait_for(status, 2 * total + paced, 120)
        finally:
            for proc in (relay, consumer):
                if proc is not None:
                    proc.send_signal(signal.SIGTERM)
                    proc.wait(timeout=30)
            cleanup(exchange, queue)
        result = json.loads(out.read_text())
        seen = sorted(result["seen"])
        unpublished = inst.scalar("SELECT count(*) FROM events WHERE published_at IS NULL")

    if len(seen) != 2 * total + paced or unpublished:
        raise RuntimeError(f"expected {2 * total + paced} events consumed and none left; got {len(seen)}, "
                           f"{unpublished} unpublished")
    staged, bulk, timed = seen[:total], seen[total:2 * total], seen[2 * total:]
    end = max(t for _, t, _ in bulk)
    latency = c.latency_figures("latency", [handled - occurred for _, handled, occurred in timed])
    figures = {
        "events_per_s": round(total / (end - start)),
        "events": total, "seconds": round(end - start, 2),
        **latency,
        "latency_events": paced, "latency_rate_per_s": 500,
        "stage_write_events_per_s": round(total / write_s),
        "stage_relay_events_per_s": round(total / relay_s),
        "stage_consume_events_per_s": round(total / (max(t for _, t, _ in staged) - min(t for _, t, _ in staged))),
        **confirms,
        # CPU per event of the end-to-end phase, by process (RabbitMQ's own is not measured: the broker is shared)
        "writer_cpu_us_per_event": round(writers_cpu / total * 1e6, 1),
        **{f"{name}_cpu_us_per_event": round(seconds / total * 1e6, 1) for name, seconds in cpu.items()},
        "duplicates_dropped": result["duplicates"],
        "writer_processes": args.writers, "events_per_transaction": args.per_transaction,
    }
    c.emit(NAME, figures, TARGETS, machine)


def make_project(inst: c.Instance, owner: int) -> int:
    """A project to hang the events on (events reference a project)."""
    from backend.auth.models import User
    from backend.core.db import transaction
    from backend.projects import service
    from backend.projects.schemas import ProjectCreate

    with transaction(inst.sessions) as session:
        user = session.get(User, owner)
        assert user is not None
        return service.create_project(session, user, ProjectCreate(name="events bench")).id


def broker_version() -> str:
    """The RabbitMQ server version (from the connection handshake)."""
    from groundwork.events import connection_for

    with connection_for(BROKER_URL, Path(".")) as conn:
        conn.connect()
        props = conn.connection.server_properties
        return str(props.get("version", "?"))


def cleanup(exchange: str, queue: str) -> None:
    """Delete the run's exchange and queues."""
    from groundwork.events import connection_for

    with connection_for(BROKER_URL, Path(".")) as conn:
        channel = conn.channel()
        for name in (queue, f"{queue}.dlq"):
            channel.queue_delete(name)
        channel.exchange_delete(exchange)


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--consume":
        consume(*sys.argv[2:6])
    else:
        main()
