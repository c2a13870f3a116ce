"""``groundwork worker``: run the orchestrator, the executors, or both (two supervised processes).

Each role touches a heartbeat file every few seconds; ``--probe`` (liveness/readiness in Kubernetes
and compose) checks that it is fresh.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Literal

from workflow_service.backend_api import BackendAPI
from workflow_service.blocks.registry import load_registry
from workflow_service.settings import WorkerSettings

log = logging.getLogger(__name__)
Role = Literal["all", "orchestrator", "executor"]
HEARTBEAT_EVERY_S = 5.0


def heartbeat_path(role: str) -> Path:
    """Where a role's heartbeat file lives (per container / machine)."""
    return Path(os.environ.get("GROUNDWORK_HEARTBEAT_DIR", tempfile.gettempdir())) / f"groundwork-{role}.heartbeat"


def probe(role: str, max_age_s: float = 60.0) -> bool:
    """Whether a worker of this role has beaten recently."""
    try:
        return time.time() - heartbeat_path(role).stat().st_mtime <= max_age_s
    except FileNotFoundError:
        return False


def _beat(role: str, stop: threading.Event) -> None:
    path = heartbeat_path(role)
    while not stop.is_set():
        path.touch()
        stop.wait(HEARTBEAT_EVERY_S)


def _watch_parent(parent: int) -> None:
    while True:
        if os.getppid() != parent:  # the parent (e.g. groundwork serve) died: do not linger as an orphan
            log.warning("worker: parent process %s is gone; stopping", parent)
            os.kill(os.getpid(), signal.SIGTERM)
            return
        time.sleep(1.0)


def exit_with_parent() -> None:
    """Stop this process when the one named by ``GROUNDWORK_PARENT_PID`` exits (embedded workers)."""
    parent = os.environ.get("GROUNDWORK_PARENT_PID")
    if parent and parent.isdigit():
        threading.Thread(target=_watch_parent, args=(int(parent),), name="gw-parent-watch", daemon=True).start()


def start_heartbeat(role: str, stop: threading.Event) -> None:
    """Touch the role's heartbeat file until ``stop`` is set (a daemon thread)."""
    threading.Thread(target=_beat, args=(role, stop), name=f"gw-heartbeat-{role}", daemon=True).start()


def register_catalogue(settings: WorkerSettings, stop: threading.Event) -> BackendAPI:
    """Publish this worker's blocks to the backend, waiting for the API to come up."""
    api = BackendAPI(settings.api_url, settings.service_token, timeout_s=settings.api_timeout_s)
    registry = load_registry()
    while not stop.is_set():
        try:
            api.register_blocks(registry.entries())
            return api
        except Exception as exc:
            log.warning("worker: cannot register blocks with %s yet (%s); retrying", settings.api_url, exc)
            stop.wait(2.0)
    return api


def run_orchestrator(settings: WorkerSettings) -> None:
    """The event consumer and orchestrator, until SIGTERM/SIGINT."""
    from workflow_service.orchestrator.process import Orchestrator

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    exit_with_parent()
    api = register_catalogue(settings, stop)
    # the heartbeat starts once the queues are declared and consumed: a probe that passes means events are seen
    Orchestrator(settings, api, load_registry()).run(stop, on_ready=lambda: start_heartbeat("orchestrator", stop))


def run_executor(settings: WorkerSettings, queues: list[str], concurrency: int, pool: str = "prefork") -> None:
    """A Celery worker serving ``queues`` (blocks run in ``concurrency`` child processes)."""
    from celery import signals

    from workflow_service.celery_app import make_celery, physical_queue
    from workflow_service.executor import register_tasks

    stop = threading.Event()
    exit_with_parent()
    register_catalogue(settings, stop)
    app = make_celery(settings)
    register_tasks(app, settings)
    signals.worker_ready.connect(lambda **_: start_heartbeat("executor", stop), weak=False)
    signals.worker_shutdown.connect(lambda **_: stop.set(), weak=False)
    name = f"executor-{'-'.join(queues)}-{os.getpid()}@%h"
    app.worker_main(["worker", "-Q", ",".join(physical_queue(settings, q) for q in queues), "-c", str(concurrency),
                     "-P", pool, "-n", name, "--loglevel", os.environ.get("GROUNDWORK_LOG_LEVEL", "INFO"),
                     "--without-gossip", "--without-mingle"])


def run_all(queues: list[str], concurrency: int) -> int:
    """Both roles as child processes; when either exits the other is stopped (a supervisor restarts us)."""
    base = [sys.executable, "-m", "workflow_service"]
    children = [subprocess.Popen([*base, "orchestrator"]),  # noqa: S603  (our own interpreter and module)
                subprocess.Popen([*base, "executor", "--queues", ",".join(queues),  # noqa: S603
                                  "--concurrency", str(concurrency)])]
    stopping = threading.Event()

    def forward(signum: int, _frame: object) -> None:
        stopping.set()
        for child in children:
            if child.poll() is None:
                child.send_signal(signum)

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, forward)
    code = 0
    while all(c.poll() is None for c in children):
        time.sleep(0.2)
    for child in children:
        if child.poll() is None:
            child.terminate()
    for child in children:
        try:
            rc = child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()
            rc = child.wait()
        code = code or (0 if stopping.is_set() else rc)
    return code
