"""The running platform of the workflow tests: processes, an admin's API client, waiting helpers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from groundwork.events import connection_for

from tests.netutil import free_port, reachable

RABBIT_URL = os.environ.get("GROUNDWORK_TEST_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
TEST_DB_URL = os.environ.get("GROUNDWORK_TEST_DATABASE_URL")
REPO_ROOT = Path(__file__).resolve().parents[2]


def wait_until(check: Callable[[], Any], timeout: float = 60.0, what: str = "a condition") -> Any:
    """Poll ``check`` until it returns something truthy; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.1)


@dataclass
class Platform:
    """The running processes and an admin's API client."""

    kind: str
    url: str
    env: dict[str, str]
    api: httpx.Client
    logs: Path
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def start(self, name: str, args: list[str], **extra_env: str) -> subprocess.Popen[bytes]:
        """Start a process (its output goes to a log file beside the test's temporary data)."""
        log = (self.logs / f"{name}.log").open("ab")
        proc = subprocess.Popen(args, env={**self.env, **extra_env}, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        self.procs[name] = proc
        return proc

    def start_worker(self, role: str, name: str | None = None, *, concurrency: int = 2,
                     queues: tuple[str, ...] = ("cpu",)) -> subprocess.Popen[bytes]:
        """An orchestrator, or an executor (a real Celery worker, prefork pool) on ``queues``."""
        args = [sys.executable, "-m", "workflow_service", role]
        if role == "executor":
            args += ["--queues", ",".join(queues), "--concurrency", str(concurrency)]
        return self.start(name or role, args)

    def kill(self, name: str) -> None:
        """SIGKILL a process and all its children (a crashed machine, not a polite shutdown)."""
        proc = self.procs.pop(name)
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)

    def stop_all(self) -> None:
        """Stop everything politely, then forcefully."""
        for proc in self.procs.values():
            with suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        for name, proc in list(self.procs.items()):
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill(name)
        self.procs.clear()

    def log(self, name: str) -> str:
        """What a process printed so far."""
        path = self.logs / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def run_of(self, project_id: int, run_id: int) -> dict[str, Any]:
        """A run with its steps."""
        r = self.api.get(f"/api/v1/projects/{project_id}/workflow-runs/{run_id}")
        r.raise_for_status()
        return r.json()  # type: ignore[no-any-return]

    def runs(self, project_id: int, workflow_id: int) -> list[dict[str, Any]]:
        """Every run of a workflow."""
        r = self.api.get(f"/api/v1/projects/{project_id}/workflows/{workflow_id}/runs", params={"limit": 500})
        r.raise_for_status()
        return r.json()["items"]  # type: ignore[no-any-return]


def rabbit_reachable() -> bool:
    """Whether the test RabbitMQ is listening."""
    return reachable(RABBIT_URL)


def platform_env(kind: str, data_dir: Path, secret_key: str, service_token: str, tmp_path: Path,
                 **extra: str) -> dict[str, str]:
    """The environment of a test platform's processes: its own port, events exchange and queue prefix (so
    leftovers of other tests never reach it), no embedded worker; ``extra`` adds to it (the database URL)."""
    run, port = uuid.uuid4().hex[:10], free_port()
    env = {**os.environ, "GROUNDWORK_ENV": "test", "GROUNDWORK_DATA_DIR": str(data_dir),
           "GROUNDWORK_SECRET_KEY": secret_key, "GROUNDWORK_PORT": str(port),
           "GROUNDWORK_EMBEDDED_WORKER": "false", "GROUNDWORK_LOGIN_RATE_LIMIT": "1000/minute",
           "GROUNDWORK_BROKER_URL": RABBIT_URL if kind == "rabbitmq" else "",
           "GROUNDWORK_EVENTS_EXCHANGE": f"gw.test.{run}.events", "GROUNDWORK_WORKER_PREFIX": f"gw.test.{run}",
           "GROUNDWORK_API_URL": f"http://127.0.0.1:{port}", "GROUNDWORK_SERVICE_TOKEN": service_token,
           "GROUNDWORK_HEARTBEAT_DIR": str(tmp_path), "GROUNDWORK_LOG_LEVEL": "INFO",
           "GROUNDWORK_PARENT_PID": str(os.getpid()),  # no orphans if the test run dies
           # the executors import the test blocks' functions (tests.workflow_service.blockfuncs)
           "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))}
    return {**env, **extra}


@contextmanager
def launched(kind: str, env: dict[str, str], admin_token: str, tmp_path: Path, *, ready_block: str,
             queues: tuple[str, ...] = ("cpu",), timeout: float = 30, log_lines: int = 60) -> Iterator[Platform]:
    """``groundwork serve``, an orchestrator and an executor on ``queues``, ready once the worker registered
    ``ready_block``; afterwards they are stopped, their last log lines printed (pytest shows them when the test
    failed) and the run's RabbitMQ queues and exchange deleted."""
    api = httpx.Client(base_url=env["GROUNDWORK_API_URL"], headers={"Authorization": f"Bearer {admin_token}"},
                       timeout=timeout)
    p = Platform(kind, env["GROUNDWORK_API_URL"], env, api, tmp_path)
    p.start("serve", [str(Path(sys.executable).parent / "groundwork"), "serve"], PYTHONUNBUFFERED="1")
    try:
        wait_until(lambda: _healthy(api), 60, "the API to start")
        p.start_worker("orchestrator")
        p.start_worker("executor", queues=queues)
        wait_until(lambda: any(b["slug"] == ready_block for b in api.get("/api/v1/blocks").json()), 90,
                   "the worker to register its blocks")
        wait_until(lambda: (tmp_path / "groundwork-orchestrator.heartbeat").exists(), 60, "the orchestrator")
        yield p
    finally:
        p.stop_all()
        for name in ("serve", "orchestrator", "executor"):
            print(f"----- {name} (last lines) -----\n" + "\n".join(p.log(name).splitlines()[-log_lines:]))
        api.close()
        if kind == "rabbitmq":
            _delete_rabbit_objects(env, queues)


def _healthy(api: httpx.Client) -> bool:
    try:
        return api.get("/api/v1/health").status_code == 200
    except httpx.TransportError:
        return False


def _delete_rabbit_objects(env: dict[str, str], queues: tuple[str, ...]) -> None:
    prefix = env["GROUNDWORK_WORKER_PREFIX"]
    with connection_for(RABBIT_URL, Path(env["GROUNDWORK_DATA_DIR"])) as conn:
        channel = conn.channel()
        for queue in (*(f"{prefix}.{q}" for q in queues), f"{prefix}.workflows.events",
                      f"{prefix}.workflows.events.dlq", f"{prefix}.workflows.control",
                      f"{prefix}.workflows.control.dlq"):
            with suppress(Exception):
                channel.queue_delete(queue)
        with suppress(Exception):
            channel.exchange_delete(env["GROUNDWORK_EVENTS_EXCHANGE"])
