"""API latency under 32 annotators: annotation saves and ``POST /tasks/next``.

Setup (not timed): a fresh PostgreSQL database, a real uvicorn server, a project, a label schema,
images uploaded through the files API, one annotate task per image, and 32 annotator members, each
with its own API token. Every annotator works through tasks: ``POST /tasks/next`` -> save a new box
on the task's file -> save changes to it twice (PATCH with the current version) -> submit the task.

1. Annotators (the target). 32 clients that behave like people: between two actions an annotator
   thinks for a random 0.5-2 s (uniform; ``--think-min-s``/``--think-max-s``). Arrivals are open-loop:
   each annotator's actions are due on a schedule (the previous action's due time plus a think time),
   whatever the server answers, and every latency is measured from the moment the action was DUE. An
   answer that comes late therefore also delays the next action, and that wait counts in the next
   action's latency: a slow server cannot hide its queueing by slowing the clients down (coordinated
   omission). ``save_p99_ms`` and ``next_p99_ms`` of this run are the targets.
2. Saturation (reported, not a target): the same 32 clients with no think time, each sending its next
   request the moment the last one is answered (32 requests in flight at all times). This measures
   throughput; its latencies are queueing by Little's law (32 in flight / throughput).
3. Yardstick: the 32 clients calling ``GET /auth/me`` (the cheapest authenticated request), closed loop.
"""

from __future__ import annotations

import functools
import os
import random
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import _common as c
import httpx

NAME = "api_latency"
TARGETS = {"save_p99_ms": "< 50", "next_p99_ms": "< 50"}
IMAGE_W, IMAGE_H = 64, 48
KINDS = ("next", "create", "update", "submit")


@dataclass
class Samples:
    """Request latencies by kind, each with the moment it was due (open loop) or sent (closed loop)."""

    by_kind: dict[str, list[tuple[float, float, float]]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    ran_dry: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def timed(self, kind: str, api: httpx.Client, method: str, url: str, json: object,
              expect: tuple[int, ...] = (200, 201), due: float | None = None) -> httpx.Response | None:
        """Send one request; record (due, latency from due, service time). None (and an error count) if it failed."""
        sent = time.perf_counter()
        res = api.request(method, url, json=json)
        done = time.perf_counter()
        start = sent if due is None else due
        with self.lock:
            self.by_kind[kind].append((start, done - start, done - sent))
            if res.status_code not in expect:
                self.errors[f"{kind} {res.status_code}"] += 1
                return None
        return res

    def window(self, kind: str, start: float, end: float, *, service: bool = False) -> list[float]:
        """Latencies of the requests of ``kind`` due (or sent) in ``[start, end)``; ``service``: send to answer."""
        return [s if service else took for at, took, s in self.by_kind.get(kind, []) if start <= at < end]


class Pace:
    """When an annotator's next action is due: open loop (a think time after the previous DUE time)."""

    def __init__(self, think: tuple[float, float], stop: threading.Event, rng: random.Random) -> None:
        self.think, self.stop, self.rng = think, stop, rng
        self.due = time.perf_counter() + rng.uniform(0, think[1])  # annotators do not start in lockstep

    def wait(self) -> float | None:
        """Sleep until the next action is due (not at all if it is overdue); its due time, or None to stop."""
        if self.think[1] <= 0:  # closed loop: send now
            return None if self.stop.is_set() else time.perf_counter()
        if self.stop.wait(max(0.0, self.due - time.perf_counter())):
            return None
        due = self.due
        self.due += self.rng.uniform(*self.think)
        return due


def annotator(base: str, token: str, project: int, schema: int, saves: int, think: tuple[float, float],
              seed: int, stop: threading.Event, samples: Samples) -> None:
    """One annotator: next -> create a box -> edit it ``saves - 1`` times -> submit, pausing as ``think`` says."""
    p = f"/projects/{project}"
    pace = Pace(think, stop, random.Random(seed))
    closed = think[1] <= 0

    def act(kind: str, method: str, url: str, body: object,
            expect: tuple[int, ...] = (200, 201)) -> httpx.Response | bool | None:
        due = pace.wait()
        if due is None:
            return False
        return samples.timed(kind, api, method, url, body, expect, due=None if closed else due)

    with c.client(base, token, timeout=60) as api:
        while not stop.is_set():
            res = act("next", "POST", f"{p}/tasks/next", None, expect=(200, 204))
            if res is False:
                return
            if not isinstance(res, httpx.Response):
                continue
            if res.status_code == 204:
                with samples.lock:
                    samples.ran_dry += 1
                return
            task = res.json()
            box = {"schema_id": schema, "type": "box", "label": "car", "geometry": {"x": 4, "y": 4, "w": 20, "h": 10}}
            made = act("create", "POST", f"{p}/files/{task['file_id']}/annotations", box)
            if made is False:
                return
            if isinstance(made, httpx.Response):
                ann = made.json()
                for k in range(saves - 1):
                    moved = act("update", "PATCH", f"{p}/annotations/{ann['id']}", {
                        "version": ann["version"], "geometry": {"x": 5 + k % 20, "y": 4, "w": 20, "h": 10}})
                    if not isinstance(moved, httpx.Response):
                        break
                    ann = moved.json()
            if act("submit", "POST", f"{p}/tasks/{task['id']}/actions",
                   {"action": "submit", "version": task["version"]}) is False:
                return


def floor_loop(base: str, token: str, stop: threading.Event, samples: Samples) -> None:
    """The yardstick: the cheapest authenticated request (``GET /auth/me``), back to back."""
    with c.client(base, token, timeout=60) as api:
        while not stop.is_set():
            samples.timed("floor", api, "GET", "/auth/me", None, expect=(200,))


@dataclass
class Run:
    """What one phase measured."""

    samples: Samples
    start: float
    end: float
    server_cpu_s: float
    db_cpu_s: float
    client_cpu_s: float


def run_phase(label: str, srv: c.Server, inst: c.Instance, loops: list[Callable[[threading.Event, Samples], None]],
              warmup: float, seconds: float) -> Run:
    """Run every loop on its own thread: ``warmup`` seconds, then ``seconds`` measured (CPU too)."""
    samples, stop = Samples(), threading.Event()
    threads = [threading.Thread(target=loop, args=(stop, samples)) for loop in loops]
    meters = [c.CpuMeter(lambda: c.process_tree(srv.pid)), c.CpuMeter(lambda: c.database_backends(inst)),
              c.CpuMeter(lambda: [os.getpid()])]
    t0 = time.perf_counter()
    for th in threads:
        th.start()
    start, end, started = t0 + warmup, t0 + warmup + seconds, False
    with c.progress() as bar:
        task = bar.add_task(f"{label} (warm-up, then measured)", total=round(warmup + seconds))
        while (now := time.perf_counter()) < end and any(th.is_alive() for th in threads):
            if not started and now >= start:
                for meter in meters:
                    meter.start()
                started = True
            bar.update(task, completed=min(round(now - t0), round(warmup + seconds)))
            time.sleep(0.1)
    stop.set()
    if samples.ran_dry or not started:
        raise RuntimeError(f"{samples.ran_dry} annotators ran out of tasks: run again with more --tasks")
    cpu = [meter.stop() for meter in meters]
    for th in threads:
        th.join()
    return Run(samples, start, end, *cpu)


def phase_figures(prefix: str, run: Run, seconds: float) -> dict[str, object]:
    """Latency per kind, throughput and CPU per request of one annotator phase (figure names start with ``prefix``)."""
    kinds = {k: run.samples.window(k, run.start, run.end) for k in KINDS}
    saves = kinds["create"] + kinds["update"]
    requests = sum(len(v) for v in kinds.values())
    out: dict[str, object] = {
        **c.latency_figures("save", saves), **c.latency_figures("next", kinds["next"]),
        **{k: v for kind in ("create", "update", "submit") for k, v in c.latency_figures(kind, kinds[kind]).items()},
        "requests_per_s": round(requests / seconds, 1),
        "server_cpu_ms_per_request": round(run.server_cpu_s / max(1, requests) * 1000, 2),
        "database_cpu_ms_per_request": round(run.db_cpu_s / max(1, requests) * 1000, 2),
        "client_cpu_ms_per_request": round(run.client_cpu_s / max(1, requests) * 1000, 2),
        "saves": len(saves), "nexts": len(kinds["next"]), "tasks_submitted": len(kinds["submit"]),
    }
    return {f"{prefix}{k}": v for k, v in out.items()}


def setup(inst: c.Instance, srv: c.Server, admin_token: str, clients: int, n_tasks: int) -> tuple[int, int]:
    """Project, schema, annotator members, images and one open annotate task per image."""
    with c.client(srv.url, admin_token) as admin:
        project, schema = c.setup_project(admin, "latency bench")
        for i in range(clients):
            c.ok(admin.post(f"/projects/{project}/members",
                            json={"email": f"annotator{i:02d}@bench.local", "role": "annotator"}))
        c.say(f"uploading {n_tasks} images and creating one annotate task each (setup, not timed)")
        file_ids = c.upload_images(admin, project, n_tasks, width=IMAGE_W, height=IMAGE_H)
        for i in range(0, len(file_ids), 5_000):
            c.ok(admin.post(f"/projects/{project}/tasks", json={
                "file_ids": file_ids[i:i + 5_000], "schema_id": schema, "kind": "annotate"}))
    return project, schema


def main() -> None:
    """Run the benchmark and print its JSON line."""
    p = c.parser(__doc__ or NAME)
    p.add_argument("--workers", type=int, default=2, help="uvicorn worker processes (default 2)")
    p.add_argument("--clients", type=int, default=32, help="concurrent annotators (default 32)")
    p.add_argument("--seconds", type=float, help="measured window of the annotator run (default 60; --quick 20)")
    p.add_argument("--saturation-seconds", type=float, help="measured window of the no-think-time run "
                                                            "(default 30; --quick 10)")
    p.add_argument("--warmup", type=float, help="warm-up before each window (default 5; --quick 3)")
    p.add_argument("--think-min-s", type=float, default=0.5, help="shortest think time (default 0.5 s)")
    p.add_argument("--think-max-s", type=float, default=2.0, help="longest think time (default 2 s)")
    p.add_argument("--saves", type=int, default=3, help="saves per task: one create, then edits (default 3)")
    p.add_argument("--tasks", type=int, help="tasks available (default 4,000; --quick 1,500)")
    args = p.parse_args()
    seconds = args.seconds or (20.0 if args.quick else 60.0)
    sat_seconds = args.saturation_seconds or (10.0 if args.quick else 30.0)
    warmup = args.warmup if args.warmup is not None else (3.0 if args.quick else 5.0)
    n_tasks = args.tasks or (1_500 if args.quick else 4_000)
    think = (args.think_min_s, args.think_max_s)

    with c.instance() as inst:
        machine = c.machine(inst.database_url)
        _, admin_token = inst.user_with_token("admin@bench.local", superuser=True)
        c.say(f"creating {args.clients} annotators with their own tokens")
        tokens = [inst.user_with_token(f"annotator{i:02d}@bench.local")[1] for i in range(args.clients)]
        with c.server(inst, workers=args.workers) as srv:
            project, schema = setup(inst, srv, admin_token, args.clients, n_tasks)
            c.say(f"{args.clients} annotators thinking {think[0]:g}-{think[1]:g} s between actions (open loop), "
                  f"{args.workers} server workers")
            work = run_phase("annotators", srv, inst, [
                functools.partial(annotator, srv.url, t, project, schema, args.saves, think, i)
                for i, t in enumerate(tokens)], max(warmup, think[1]), seconds)
            c.say(f"saturation: the same {args.clients} clients with no think time (closed loop)")
            sat = run_phase("saturation", srv, inst, [
                functools.partial(annotator, srv.url, t, project, schema, args.saves, (0.0, 0.0), i)
                for i, t in enumerate(tokens)], warmup, sat_seconds)
            c.say(f"yardstick: {args.clients} clients calling GET /auth/me back to back")
            floor = run_phase("GET /auth/me", srv, inst, [
                functools.partial(floor_loop, srv.url, t) for t in tokens], min(warmup, 2.0), sat_seconds / 3)

    saves_service = (work.samples.window("create", work.start, work.end, service=True)
                     + work.samples.window("update", work.start, work.end, service=True))
    me = floor.samples.window("floor", floor.start, floor.end)
    sat_figures = phase_figures("saturation_", sat, sat_seconds)
    figures: dict[str, object] = {
        **phase_figures("", work, seconds),
        **c.latency_figures("save_service", saves_service),
        "errors": sum(sum(r.samples.errors.values()) for r in (work, sat, floor)),
        "error_kinds": {**work.samples.errors, **{f"saturation {k}": v for k, v in sat.samples.errors.items()},
                        **floor.samples.errors},
        **{k: v for k, v in sat_figures.items() if not k.startswith(("saturation_create", "saturation_update",
                                                                      "saturation_submit"))},
        **c.latency_figures("auth_me", me),
        "auth_me_requests_per_s": round(len(me) / (floor.end - floor.start), 1),
        "auth_me_server_cpu_ms_per_request": round(floor.server_cpu_s / max(1, len(me)) * 1000, 2),
        "clients": args.clients, "server_workers": args.workers, "saves_per_task": args.saves,
        "think_s": f"{think[0]:g}-{think[1]:g} uniform, open loop", "seconds": seconds,
        "saturation_seconds": sat_seconds, "warmup_s": warmup,
    }
    c.emit(NAME, figures, TARGETS, machine)


if __name__ == "__main__":
    main()
