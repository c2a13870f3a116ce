"""API latency under 32 annotators: annotation saves and ``POST /tasks/next``, closed loop.

Setup (not timed): a fresh PostgreSQL database, a real uvicorn server, a project, a label schema,
images uploaded through the files API, one annotate task per image, and 32 annotator members, each
with its own API token. Then each of 32 client threads works like an annotator with no think time:
``POST /tasks/next`` -> save a new box on the task's file -> save changes to it (PATCH with the
current version, a new version each time) -> submit the task. After a warm-up, every request that
starts inside the measured window counts.
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


@dataclass
class Samples:
    """Request latencies by kind, each with the moment its request started."""

    by_kind: dict[str, list[tuple[float, float]]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    ran_dry: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def timed(self, kind: str, api: httpx.Client, method: str, url: str, json: object,
              expect: tuple[int, ...] = (200, 201)) -> httpx.Response | None:
        """Send one request and record its latency; None (and an error count) if it failed."""
        start = time.perf_counter()
        res = api.request(method, url, json=json)
        took = time.perf_counter() - start
        with self.lock:
            self.by_kind[kind].append((start, took))
            if res.status_code not in expect:
                self.errors[f"{kind} {res.status_code}"] += 1
                return None
        return res

    def window(self, kind: str, start: float, end: float) -> list[float]:
        """Latencies of the requests of ``kind`` that started in ``[start, end)``."""
        return [took for at, took in self.by_kind.get(kind, []) if start <= at < end]


def annotator(base: str, token: str, project: int, schema: int, saves: int, think: float,
              stop: threading.Event, samples: Samples) -> None:
    """One annotator's loop: next -> create a box -> edit it ``saves - 1`` times -> submit."""
    p = f"/projects/{project}"
    with c.client(base, token, timeout=60) as api:
        if think:
            stop.wait(random.uniform(0, think))  # don't start in lockstep
        while not stop.is_set():
            res = samples.timed("next", api, "POST", f"{p}/tasks/next", None, expect=(200, 204))
            if res is None:
                continue
            if res.status_code == 204:
                with samples.lock:
                    samples.ran_dry += 1
                return
            task = res.json()
            stop.wait(think)
            box = {"schema_id": schema, "type": "box", "label": "car", "geometry": {"x": 4, "y": 4, "w": 20, "h": 10}}
            made = samples.timed("create", api, "POST", f"{p}/files/{task['file_id']}/annotations", box)
            if made is not None:
                ann = made.json()
                stop.wait(think)
                for k in range(saves - 1):
                    moved = samples.timed("update", api, "PATCH", f"{p}/annotations/{ann['id']}", {
                        "version": ann["version"], "geometry": {"x": 5 + k % 20, "y": 4, "w": 20, "h": 10}})
                    if moved is None:
                        break
                    ann = moved.json()
                    stop.wait(think)
            samples.timed("submit", api, "POST", f"{p}/tasks/{task['id']}/actions",
                          {"action": "submit", "version": task["version"]})
            stop.wait(think)


def floor_loop(base: str, token: str, stop: threading.Event, samples: Samples) -> None:
    """The yardstick: the cheapest authenticated request (``GET /auth/me``), back to back."""
    with c.client(base, token, timeout=60) as api:
        while not stop.is_set():
            samples.timed("floor", api, "GET", "/auth/me", None, expect=(200,))


@dataclass
class Run:
    """What one closed-loop phase measured."""

    samples: Samples
    start: float
    end: float
    server_cpu_s: float
    db_cpu_s: float
    client_cpu_s: float


def closed_loop(label: str, srv: c.Server, inst: c.Instance, loops: list[Callable[[threading.Event, Samples], None]],
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
    p.add_argument("--seconds", type=float, help="measured window (default 30; --quick 10)")
    p.add_argument("--warmup", type=float, help="warm-up before the window (default 5; --quick 3)")
    p.add_argument("--saves", type=int, default=3, help="saves per task: one create, then edits (default 3)")
    p.add_argument("--tasks", type=int, help="tasks available (default 4,000; --quick 1,500)")
    p.add_argument("--think-ms", type=float, default=0, help="pause after each answer (default 0: closed loop)")
    args = p.parse_args()
    seconds = args.seconds or (10.0 if args.quick else 30.0)
    warmup = args.warmup if args.warmup is not None else (3.0 if args.quick else 5.0)
    n_tasks = args.tasks or (1_500 if args.quick else 4_000)
    think = args.think_ms / 1000

    with c.instance() as inst:
        machine = c.machine(inst.database_url)
        _, admin_token = inst.user_with_token("admin@bench.local", superuser=True)
        c.say(f"creating {args.clients} annotators with their own tokens")
        tokens = [inst.user_with_token(f"annotator{i:02d}@bench.local")[1] for i in range(args.clients)]
        with c.server(inst, workers=args.workers) as srv:
            project, schema = setup(inst, srv, admin_token, args.clients, n_tasks)
            c.say(f"{args.clients} annotators, closed loop, think time {args.think_ms:g} ms, "
                  f"{args.workers} server workers")
            work = closed_loop("annotators", srv, inst, [
                functools.partial(annotator, srv.url, t, project, schema, args.saves, think) for t in tokens],
                warmup, seconds)
            c.say(f"yardstick: {args.clients} clients calling GET /auth/me back to back")
            floor = closed_loop("GET /auth/me", srv, inst, [
                functools.partial(floor_loop, srv.url, t) for t in tokens], min(warmup, 2.0), seconds / 3)

    kinds = {k: work.samples.window(k, work.start, work.end) for k in ("next", "create", "update", "submit")}
    saves = kinds["create"] + kinds["update"]
    requests = sum(len(v) for v in kinds.values())
    me = floor.samples.window("floor", floor.start, floor.end)
    figures: dict[str, object] = {
        **c.latency_figures("save", saves), **c.latency_figures("next", kinds["next"]),
        **c.latency_figures("create", kinds["create"]), **c.latency_figures("update", kinds["update"]),
        **c.latency_figures("submit", kinds["submit"]),
        "requests_per_s": round(requests / seconds, 1),
        "server_cpu_ms_per_request": round(work.server_cpu_s / requests * 1000, 2),
        "database_cpu_ms_per_request": round(work.db_cpu_s / requests * 1000, 2),
        "client_cpu_ms_per_request": round(work.client_cpu_s / requests * 1000, 2),
        "saves": len(saves), "nexts": len(kinds["next"]), "tasks_submitted": len(kinds["submit"]),
        "errors": sum(work.samples.errors.values()) + sum(floor.samples.errors.values()),
        "error_kinds": {**work.samples.errors, **floor.samples.errors},
        **c.latency_figures("auth_me", me),
        "auth_me_requests_per_s": round(len(me) / (floor.end - floor.start), 1),
        "auth_me_server_cpu_ms_per_request": round(floor.server_cpu_s / max(1, len(me)) * 1000, 2),
        "save_p99_over_auth_me_p99": round(c.percentile(saves, 99) / c.percentile(me, 99), 2),
        "clients": args.clients, "server_workers": args.workers, "saves_per_task": args.saves,
        "think_time_ms": args.think_ms, "seconds": seconds, "warmup_s": warmup,
    }
    c.emit(NAME, figures, TARGETS, machine)


if __name__ == "__main__":
    main()
