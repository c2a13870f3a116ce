"""Workflow service: event → first step running (p50/p99), and runs/s of a 3-step no-op workflow.

Setup (not timed): a fresh PostgreSQL database, a real API server (relay inside), RabbitMQ with an
exchange and queues of this run's own, and the workflow service as in production: one orchestrator
process and one Celery executor (prefork, 2 processes) on the ``cpu`` queue.
1. Latency: a 1-step workflow on ``file.created``; text files are uploaded one at a time, a few per
   second. Latency = the step's ``started_at`` (the executor reported it running) minus the event's
   ``occurred_at`` (the upload's commit): outbox, relay, broker, orchestrator, run creation, Celery
   and the executor are all on the clock.
2. Throughput: a 3-step workflow of ``identity`` blocks with micro-batching (``batch_size`` 50,
   ``max_batch_delay`` 50 ms) on ``file.created``; files are uploaded in batches of 100. Runs/s =
   runs / (last run finished - first event).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import _common as c
import httpx

NAME = "workflow"
TARGETS = {"latency_p99_ms": "< 250", "runs_per_s": ">= 100"}
BROKER_URL = os.environ.get("GROUNDWORK_BENCH_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")

ONE_STEP = """\
name: latency
on: [{event: file.created}]
blocks: {first: {use: identity}}
workflow: {out: [first, in]}
"""
THREE_STEPS = """\
name: throughput
on: [{event: file.created}]
defaults: {batch_size: 50, max_batch_delay: 0.05}
blocks: {a: {use: identity}, b: {use: identity}, c: {use: identity}}
workflow: {x: [a, in], y: [b, x], out: [c, y]}
"""


def start_worker(env: dict[str, str], role: str, log: Path) -> subprocess.Popen[bytes]:
    args = [sys.executable, "-m", "workflow_service", role]
    if role == "executor":
        args += ["--queues", "cpu", "--concurrency", "2"]
    return subprocess.Popen(args, env=env, cwd=c.ROOT, stdout=log.open("ab"), stderr=subprocess.STDOUT)


def project_with(api: httpx.Client, name: str, source: str) -> tuple[int, int]:
    pid = api.post("/api/v1/projects", json={"name": name}).raise_for_status().json()["id"]
    r = api.post(f"/api/v1/projects/{pid}/workflows", json={"source": source})
    r.raise_for_status()
    return pid, r.json()["id"]


def upload(api: httpx.Client, pid: int, names: list[str]) -> None:
    files = [("files", (n, f"{n} {uuid.uuid4()}".encode(), "text/plain")) for n in names]
    api.post(f"/api/v1/projects/{pid}/files", files=files).raise_for_status()


def wait_runs(inst: c.Instance, workflow_id: int, count: int, timeout: float, label: str) -> None:
    with c.progress() as bar:
        task = bar.add_task(label, total=count)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done = inst.scalar(f"SELECT count(*) FROM workflow_runs WHERE workflow_id = {workflow_id} "
                               "AND status IN ('succeeded', 'failed')")
            bar.update(task, completed=done)
            if done >= count:
                return
            time.sleep(0.2)
    raise RuntimeError(f"{label}: only {done} of {count} runs finished in {timeout:.0f} s")


def latencies(inst: c.Instance, workflow_id: int) -> list[float]:
    from sqlalchemy import text

    sql = text("SELECT EXTRACT(EPOCH FROM (s.started_at - e.occurred_at)) * 1000 FROM workflow_runs r "
               "JOIN workflow_steps s ON s.run_id = r.id AND s.key = 'out' "
               "JOIN events e ON e.id = CAST(r.event_id AS BIGINT) WHERE r.workflow_id = :w")
    with inst.engine.connect() as conn:
        return [float(v) for (v,) in conn.execute(sql, {"w": workflow_id})]


def throughput(inst: c.Instance, workflow_id: int, project_id: int) -> float:
    first = inst.scalar(f"SELECT EXTRACT(EPOCH FROM min(occurred_at)) FROM events WHERE project_id = {project_id} "
                        "AND type = 'file.created'")
    last = inst.scalar("SELECT EXTRACT(EPOCH FROM max(finished_at)) FROM workflow_runs "
                       f"WHERE workflow_id = {workflow_id}")
    runs = inst.scalar(f"SELECT count(*) FROM workflow_runs WHERE workflow_id = {workflow_id} AND status = 'succeeded'")
    return float(runs) / max(1e-6, float(last) - float(first))


def main() -> None:
    args = c.parser(__doc__ or NAME).parse_args()
    n_latency, rate, n_runs = (60, 5.0, 500) if args.quick else (300, 5.0, 3000)
    run = uuid.uuid4().hex[:8]
    with c.instance() as inst, tempfile.TemporaryDirectory(prefix="gw-bench-wf-") as tmp:
        env = {**inst.env(), "GROUNDWORK_BROKER_URL": BROKER_URL, "GROUNDWORK_EVENTS_EXCHANGE": f"gw.bench.{run}",
               "GROUNDWORK_WORKER_PREFIX": f"gw.bench.{run}", "GROUNDWORK_HEARTBEAT_DIR": tmp,
               "GROUNDWORK_LOG_LEVEL": "WARNING", "GROUNDWORK_EMBEDDED_WORKER": "false"}
        os.environ.update({k: env[k] for k in ("GROUNDWORK_BROKER_URL", "GROUNDWORK_EVENTS_EXCHANGE")})
        _, token = inst.user_with_token("bench@example.com", superuser=True)
        service_token = _service_token(inst)
        with c.server(inst) as srv, httpx.Client(base_url=srv.url, timeout=60,
                                                 headers={"Authorization": f"Bearer {token}"}) as api:
            env |= {"GROUNDWORK_API_URL": srv.url, "GROUNDWORK_SERVICE_TOKEN": service_token}
            procs = [start_worker(env, role, Path(tmp) / f"{role}.log") for role in ("orchestrator", "executor")]
            try:
                _wait_for_blocks(api)
                c.say(f"latency: {n_latency} uploads at {rate:.0f}/s through a 1-step workflow")
                pid1, wid1 = project_with(api, "latency", ONE_STEP)
                time.sleep(1.0)  # the orchestrator hears of the new workflow
                for i in range(n_latency):
                    upload(api, pid1, [f"l{i}.txt"])
                    time.sleep(1 / rate)
                wait_runs(inst, wid1, n_latency, 120, "latency runs")
                lat = sorted(latencies(inst, wid1))
                c.say(f"throughput: {n_runs} runs of a 3-step workflow (uploads of 100 files)")
                pid2, wid2 = project_with(api, "throughput", THREE_STEPS)
                time.sleep(1.0)
                for start in range(0, n_runs, 100):
                    upload(api, pid2, [f"t{i}.txt" for i in range(start, min(n_runs, start + 100))])
                wait_runs(inst, wid2, n_runs, 600, "throughput runs")
                runs_per_s = throughput(inst, wid2, pid2)
            except BaseException:
                for role in ("orchestrator", "executor"):
                    c.say(f"{role} log (tail):\n" + (Path(tmp) / f"{role}.log").read_text()[-3000:])
                raise
            finally:
                for p in procs:
                    p.terminate()
                for p in procs:
                    p.wait(timeout=30)
        figures: dict[str, Any] = {
            "latency_p50_ms": round(statistics.median(lat), 1),
            "latency_p99_ms": round(lat[min(len(lat) - 1, int(len(lat) * 0.99))], 1),
            "latency_max_ms": round(lat[-1], 1), "latency_samples": len(lat),
            "runs_per_s": round(runs_per_s, 1), "runs": n_runs, "steps_per_run": 3,
        }
        _cleanup_rabbit(env)
        c.emit(NAME, figures, TARGETS, c.machine(inst.database_url))


def _service_token(inst: c.Instance) -> str:
    from backend.auth import service
    from backend.auth.schemas import TokenCreate
    from backend.core.db import transaction

    with transaction(inst.sessions) as session:
        account = service.create_service_account(session, "workflow-service")
        return service.create_token(session, account, TokenCreate(name="bench"), c.SECRET_KEY).secret


def _wait_for_blocks(api: httpx.Client) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if any(b["slug"] == "identity" for b in api.get("/api/v1/blocks").json()):
            return
        time.sleep(0.2)
    raise RuntimeError("the workflow service did not register its blocks")


def _cleanup_rabbit(env: dict[str, str]) -> None:
    from groundwork.events import connection_for

    prefix = env["GROUNDWORK_WORKER_PREFIX"]
    with connection_for(BROKER_URL, Path(tempfile.gettempdir())) as conn:
        channel = conn.channel()
        for queue in (f"{prefix}.cpu", f"{prefix}.workflows.events", f"{prefix}.workflows.events.dlq",
                      f"{prefix}.workflows.control", f"{prefix}.workflows.control.dlq"):
            try:
                channel.queue_delete(queue)
            except Exception:
                continue


if __name__ == "__main__":
    main()
