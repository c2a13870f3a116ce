"""The running platform of the workflow tests: processes, an admin's API client, waiting helpers."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx

RABBIT_URL = os.environ.get("GROUNDWORK_TEST_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
TEST_DB_URL = os.environ.get("GROUNDWORK_TEST_DATABASE_URL")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rabbit_reachable() -> bool:
    url = urlparse(RABBIT_URL)
    try:
        with socket.create_connection((url.hostname or "127.0.0.1", url.port or 5672), timeout=1):
            return True
    except OSError:
        return False


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

    def start_worker(self, role: str, name: str | None = None, *, concurrency: int = 2) -> subprocess.Popen[bytes]:
        """An orchestrator, or an executor (a real Celery worker, prefork pool) on the cpu queue."""
        args = [sys.executable, "-m", "workflow_service", role]
        if role == "executor":
            args += ["--queues", "cpu", "--concurrency", str(concurrency)]
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


