"""The backend's side of workflow runs: run creation and state reports, as the workflow service sends them.

Setup (not timed): a fresh PostgreSQL database, a real uvicorn server (2 workers), a service account
with its token, a block catalogue and a 3-step workflow (``first -> second -> out``). Then several
client threads each drive runs through their whole life with the service endpoints, ``batch`` runs
at a time (what one round of the orchestrator gathers): one ``POST /service/workflow-runs`` with
``batch`` items, then four ``POST /service/workflow-runs/report`` calls (run running + step 1
running; step 1 succeeded + step 2 running; step 2 succeeded + step 3 running; step 3 succeeded +
run succeeded). ``runs_per_s`` counts finished runs; ``runs_per_s_unbatched`` is the same with one
run per call (the worst case). No broker and no Celery here: ``bench/workflow.py`` measures the whole
service; this isolates what the backend costs it.
"""

from __future__ import annotations

import itertools
import threading
import time
from typing import Any

import _common as c
import httpx

NAME = "workflow_api"
TARGETS = {"runs_per_s": ">= 100"}
SOURCE = """\
name: three no-ops
on: [{event: file.created}, {manual: true}]
blocks: {a: {use: noop}, b: {use: noop}, c: {use: noop}}
workflow:
  first: [a, in]
  second: [b, first]
  out: [c, second]
"""
KEYS = ("first", "second", "out")


def service_token(inst: c.Instance) -> str:
    """A service account and its token (what `groundwork tokens create --service` makes)."""
    from backend.auth import service
    from backend.auth.schemas import TokenCreate
    from backend.core.db import transaction

    with transaction(inst.sessions) as session:
        user = service.create_service_account(session, "workflow-service")
        return service.create_token(session, user, TokenCreate(name="bench"), c.SECRET_KEY).secret


def drive(api: httpx.Client, workflow_id: int, version_id: int, keys: list[str]) -> list[float]:
    """Take runs for these trigger keys from creation to success; the time of each call."""
    times = []

    def call(path: str, body: dict[str, Any]) -> Any:
        start = time.perf_counter()
        res = c.ok(api.post(path, json=body), 200).json()
        times.append(time.perf_counter() - start)
        return res

    created = call("/service/workflow-runs", {"runs": [
        {"workflow_id": workflow_id, "version_id": version_id, "trigger_kind": "event", "trigger_key": k,
         "event_id": k, "input": {"file_ids": [1]}} for k in keys]})
    ids = [r["run_id"] for r in created]
    step = {"instance": "x", "block": "noop", "queue": "cpu"}
    call("/service/workflow-runs/report", {"runs": [{"run_id": i, "status": "running"} for i in ids],
                                           "steps": [{"run_id": i, "key": KEYS[0], "status": "running", **step}
                                                     for i in ids]})
    for done, nxt in ((KEYS[0], KEYS[1]), (KEYS[1], KEYS[2])):
        call("/service/workflow-runs/report", {"steps": [
            s for i in ids for s in ({"run_id": i, "key": done, "status": "succeeded", "log": "ok\n",
                                      "output": {"ports": {"out": [1]}}, "summary": "1 item"},
                                     {"run_id": i, "key": nxt, "status": "running", **step})]})
    call("/service/workflow-runs/report", {
        "runs": [{"run_id": i, "status": "succeeded", "items": 1} for i in ids],
        "steps": [{"run_id": i, "key": KEYS[2], "status": "succeeded", "output": {"ports": {"out": [1]}}}
                  for i in ids]})
    return times


def measure(base: str, token: str, workflow_id: int, version_id: int, runs: int, batch: int,
            threads: int, tag: str) -> tuple[float, list[float]]:
    """Finished runs per second with ``threads`` clients, ``batch`` runs per call; and the call times."""
    counter = itertools.count()
    lock = threading.Lock()
    all_times: list[float] = []
    per_thread = runs // threads // batch

    def worker() -> None:
        with c.client(base, token, timeout=120) as api:
            for _ in range(per_thread):
                keys = [f"{tag}:{next(counter)}" for _ in range(batch)]
                times = drive(api, workflow_id, version_id, keys)
                with lock:
                    all_times.extend(times)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    start = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - start
    return per_thread * batch * threads / elapsed, all_times


def main() -> None:
    args = c.parser(__doc__ or NAME).parse_args()
    runs, unbatched = (2000, 200) if args.quick else (20000, 1000)
    batch, threads = 20, 4
    with c.instance() as inst, c.server(inst, workers=2) as srv:
        token = service_token(inst)
        _, admin_token = inst.user_with_token("admin@bench.local", superuser=True)
        with c.client(srv.url, token) as svc, c.client(srv.url, admin_token) as admin:
            c.ok(svc.put("/blocks", json={"blocks": [{"slug": "noop"}]}), 200)
            project = c.ok(admin.post("/projects", json={"name": "bench"})).json()["id"]
            wf = c.ok(admin.post(f"/projects/{project}/workflows", json={"source": SOURCE})).json()
            version_id = next(w["version_id"] for w in c.ok(svc.get("/service/workflows"), 200).json())
            drive(svc, wf["id"], version_id, [f"warmup:{i}" for i in range(batch)])
        c.say(f"{runs} runs, {batch} per call, {threads} client threads")
        meter = c.CpuMeter(lambda: c.process_tree(srv.pid) + c.database_backends(inst))
        meter.start()
        per_s, times = measure(srv.url, token, wf["id"], version_id, runs, batch, threads, "batched")
        cpu = meter.stop()
        c.say(f"{unbatched} runs, one per call")
        one_per_s, one_times = measure(srv.url, token, wf["id"], version_id, unbatched, 1, threads, "single")
        finished = inst.scalar("SELECT count(*) FROM workflow_runs WHERE status = 'succeeded'")
        assert finished == runs // threads // batch * batch * threads + unbatched // threads * threads + batch
        figures = {"runs_per_s": round(per_s, 1), "runs_per_s_unbatched": round(one_per_s, 1),
                   "cpu_ms_per_run": round(cpu * 1000 / runs, 2), "batch": batch, "threads": threads,
                   **c.latency_figures("call_batched", times), **c.latency_figures("call_unbatched", one_times)}
        c.emit(NAME, figures, TARGETS, c.machine(inst.database_url))


if __name__ == "__main__":
    main()
