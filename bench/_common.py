"""Shared helpers for the benchmarks: machine facts, a fresh PostgreSQL database, a real server, figures.

Every benchmark runs alone (``.venv/bin/python bench/NAME.py [--quick]``), talks to a real uvicorn
server over HTTP, and ends by printing ONE JSON line on stdout; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psycopg
from PIL import Image
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from anywhere: `python bench/NAME.py`

# The maintenance database of the PostgreSQL server the benchmark creates its own database on.
PG_ADMIN_URL = os.environ.get("GROUNDWORK_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
SECRET_KEY = "bench-secret-key-" + "x" * 40
console = Console(stderr=True, soft_wrap=True)


def parser(description: str) -> argparse.ArgumentParser:
    """An argument parser with the ``--quick`` flag every benchmark takes."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--quick", action="store_true", help="a small size that finishes in about a minute")
    return p


def progress() -> Progress:
    """A progress bar on stderr (stdout is kept for the one JSON line)."""
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=console, transient=False)


def say(message: str) -> None:
    """A status line on stderr."""
    console.print(f"[dim]bench:[/dim] {message}")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gib() -> float:
    try:
        return round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError):
        return 0.0


def machine(database_url: str | None = None) -> dict[str, Any]:
    """Where the figures were taken: CPU, cores, RAM, Python, OS, database server, load at the time."""
    info: dict[str, Any] = {
        "cpu": _cpu_model(), "cores": os.cpu_count(), "ram_gib": _ram_gib(),
        "python": platform.python_version(), "os": platform.platform(),
        "load_avg_1m": round(os.getloadavg()[0], 2),
    }
    if database_url:
        with psycopg.connect(database_url) as conn:
            row = conn.execute("SHOW server_version").fetchone()
            info["database"] = f"PostgreSQL {row[0] if row else '?'}"
    return info


@contextmanager
def fresh_database(name: str | None = None) -> Iterator[str]:
    """A new, empty PostgreSQL database for this run (``gw_bench_<pid>``), dropped afterwards."""
    name = name or f"gw_bench_{os.getpid()}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Instance:
    """A migrated database plus a data directory: what a deployed server runs on."""

    def __init__(self, database_url: str, data_dir: Path) -> None:
        from backend.config import Settings
        from backend.core.db import make_engine, make_session_factory
        from backend.migrations.runner import upgrade

        self.database_url, self.data_dir = database_url, data_dir
        self.settings = Settings(env="production", database_url=database_url, data_dir=data_dir,
                                 secret_key=SECRET_KEY)
        self.engine = make_engine(self.settings)
        upgrade(self.engine)
        self.sessions = make_session_factory(self.engine)

    def env(self) -> dict[str, str]:
        """The environment a server process for this instance needs."""
        return {**os.environ, "GROUNDWORK_ENV": "production", "GROUNDWORK_DATABASE_URL": self.database_url,
                "GROUNDWORK_DATA_DIR": str(self.data_dir), "GROUNDWORK_SECRET_KEY": SECRET_KEY}

    def user_with_token(self, email: str, *, superuser: bool = False) -> tuple[int, str]:
        """Create a user and an API token for it (what `groundwork users create` + `tokens create` do)."""
        from backend.auth import service
        from backend.auth.schemas import TokenCreate, UserCreate
        from backend.core.db import transaction

        with transaction(self.sessions) as session:
            user = service.create_user(session, UserCreate(email=email, name=email.split("@")[0],
                                                            password="bench-password", is_superuser=superuser))
            token = service.create_token(session, user, TokenCreate(name="bench"), SECRET_KEY)
            return user.id, token.secret

    def scalar(self, sql: str) -> Any:
        """One value from the database (to check what a run wrote)."""
        from sqlalchemy import text

        with self.engine.connect() as conn:
            return conn.execute(text(sql)).scalar()

    def close(self) -> None:
        """Release the engine's connections (before the database is dropped)."""
        self.engine.dispose()


@contextmanager
def instance(name: str | None = None) -> Iterator[Instance]:
    """A fresh database and data directory, migrated; both removed afterwards."""
    with fresh_database(name) as url, tempfile.TemporaryDirectory(prefix="gw-bench-") as tmp:
        inst = Instance(url, Path(tmp))
        try:
            yield inst
        finally:
            inst.close()


@dataclass(frozen=True)
class Server:
    """A running server: where it listens and its process id."""

    url: str
    pid: int


@contextmanager
def server(inst: Instance, *, workers: int = 1) -> Iterator[Server]:
    """A real uvicorn server (subprocess, ``workers`` processes) on a free port."""
    port = free_port()
    uvicorn = shutil.which("uvicorn", path=str(Path(sys.executable).parent)) or "uvicorn"
    cmd = [uvicorn, "backend.app:create_app", "--factory", "--host", "127.0.0.1", "--port", str(port),
           "--workers", str(workers), "--log-level", "warning", "--no-access-log"]
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=inst.env(), stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_healthy(base, proc, log)
            yield Server(base, proc.pid)
        except BaseException:
            log.seek(0)
            console.print(f"[red]server log (tail):[/red]\n{log.read().decode(errors='replace')[-4000:]}")
            raise
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _wait_healthy(base: str, proc: subprocess.Popen[bytes], log: Any, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"the server exited with {proc.returncode}:\n{log.read().decode(errors='replace')}")
        try:
            if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server at {base} did not become healthy in {timeout:.0f} s")


_TICK = os.sysconf("SC_CLK_TCK")


def _proc_stat(pid: int) -> list[str]:
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants (e.g. uvicorn's worker processes)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                children.setdefault(int(_proc_stat(int(entry))[1]), []).append(int(entry))
            except (OSError, IndexError):
                continue
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        todo += children.get(current, [])
    return out


def database_backends(inst: Instance) -> list[int]:
    """Process ids of the PostgreSQL backends serving this run's database (the server's pool)."""
    with psycopg.connect(PG_ADMIN_URL) as conn:
        rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s",
                            [inst.database_url.rsplit("/", 1)[1]]).fetchall()
    return [int(r[0]) for r in rows]


class CpuMeter:
    """CPU time (user + system) used between ``start`` and ``stop`` by a changing set of processes.

    Processes are told apart by pid and start time, so a reused pid never counts; one that starts
    during the window counts in full, one that ends during it is lost (pools keep theirs open).
    """

    def __init__(self, pids: Callable[[], Sequence[int]]) -> None:
        self.pids = pids
        self.before: dict[tuple[int, str], int] = {}

    @staticmethod
    def _snapshot(pids: Sequence[int]) -> dict[tuple[int, str], int]:
        out = {}
        for pid in pids:
            try:
                fields = _proc_stat(pid)
            except OSError:
                continue
            out[(pid, fields[19])] = int(fields[11]) + int(fields[12])
        return out

    def start(self) -> None:
        """Take the starting reading."""
        self.before = self._snapshot(self.pids())

    def stop(self) -> float:
        """Seconds of CPU used since ``start``."""
        after = self._snapshot(self.pids())
        return sum(ticks - self.before.get(key, 0) for key, ticks in after.items()) / _TICK


def client(base: str, token: str, *, timeout: float = 300) -> httpx.Client:
    """An HTTP client that authenticates with ``token``."""
    return httpx.Client(base_url=base + "/api/v1", headers={"Authorization": f"Bearer {token}"}, timeout=timeout)


def ok(response: httpx.Response, *expected: int) -> httpx.Response:
    """The response, or a clear error naming the request and the server's answer."""
    if response.status_code not in (expected or (200, 201)):
        raise RuntimeError(f"{response.request.method} {response.request.url} -> {response.status_code}: "
                           f"{response.text[:500]}")
    return response


def setup_project(api: httpx.Client, name: str) -> tuple[int, int]:
    """A project with one label schema (``car``, boxes) created through the API; (project id, schema id)."""
    project = ok(api.post("/projects", json={"name": name})).json()["id"]
    schema = ok(api.post(f"/projects/{project}/schemas", json={
        "name": "vehicles", "labels": [{"name": "car", "color": "#ff0000", "annotation_types": ["box"]}]})).json()
    return int(project), int(schema["id"])


def png(index: int, width: int, height: int) -> bytes:
    """A small PNG that differs from every other index (so content-hash dedup keeps them all)."""
    img = Image.new("RGB", (width, height), (index % 251, (index // 251) % 251, (index // 63001) % 251))
    img.putpixel((0, 0), (index & 0xFF, (index >> 8) & 0xFF, (index >> 16) & 0xFF))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def upload_images(api: httpx.Client, project_id: int, count: int, *, width: int, height: int,
                  batch: int = 500) -> list[int]:
    """Upload ``count`` distinct PNGs through ``POST /files`` in batches; the new file ids, in order."""
    ids: list[int] = []
    with progress() as bar:
        task = bar.add_task("uploading images", total=count)
        for start in range(0, count, batch):
            n = min(batch, count - start)
            files = [("files", (f"img-{i:06d}.png", png(i, width, height), "image/png"))
                     for i in range(start, start + n)]
            items = ok(api.post(f"/projects/{project_id}/files", files=files)).json()["items"]
            ids += [int(item["file"]["id"]) for item in items]
            bar.advance(task, n)
    return ids


def percentile(values: Sequence[float], pct: float) -> float:
    """The ``pct``-th percentile (linear interpolation between the closest ranks)."""
    if not values:
        return float("nan")
    if len(values) == 1:
        return float(values[0])
    cuts = statistics.quantiles(values, n=1000, method="inclusive")
    return float(cuts[min(len(cuts) - 1, max(0, round(pct * 10) - 1))])


def latency_figures(prefix: str, seconds: Sequence[float]) -> dict[str, float]:
    """``<prefix>_p50_ms``, ``_p95_ms``, ``_p99_ms`` and ``_max_ms`` of request times given in seconds."""
    ms = [s * 1000 for s in seconds]
    return {f"{prefix}_p50_ms": round(percentile(ms, 50), 2), f"{prefix}_p95_ms": round(percentile(ms, 95), 2),
            f"{prefix}_p99_ms": round(percentile(ms, 99), 2), f"{prefix}_max_ms": round(max(ms), 2) if ms else 0.0}


def meets(value: float, target: str) -> bool:
    """Whether ``value`` satisfies a target such as ``">= 20000"`` or ``"< 50"``."""
    op, bound = target.split()
    limit = float(bound)
    return {">=": value >= limit, ">": value > limit, "<=": value <= limit, "<": value < limit}[op]


def emit(name: str, figures: dict[str, Any], targets: dict[str, str], machine_info: dict[str, Any]) -> None:
    """Print the one JSON line of results on stdout (and a verdict per target on stderr)."""
    for key, target in targets.items():
        verdict = "[green]met[/green]" if meets(float(figures[key]), target) else "[red]MISSED[/red]"
        console.print(f"{key} = {figures[key]} (target {target}): {verdict}")
    print(json.dumps({"benchmark": name, "figures": figures, "targets": targets, "machine": machine_info}),
          flush=True)
