"""The whole platform for the ML workflow tests: ``groundwork serve``, an orchestrator and a Celery executor
serving the ``cpu`` and ``gpu`` queues (the ML blocks' queue), with a local MLflow store of the test's own."""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import httpx
from groundwork.events import connection_for

from tests.workflow_service.wfplatform import RABBIT_URL, TEST_DB_URL, Platform, free_port, wait_until

REPO_ROOT = Path(__file__).resolve().parents[2]
QUEUES = ("cpu", "gpu")


def _ok(api: httpx.Client) -> bool:
    try:
        return api.get("/api/v1/health").status_code == 200
    except httpx.TransportError:
        return False


@contextmanager
def ml_platform(kind: str, data_dir: Path, secret_key: str, service_token: str, admin_token: str,
                tmp_path: Path) -> Iterator[Platform]:
    """Start the processes on RabbitMQ or the embedded broker; stop them (and print their logs) afterwards."""
    run = uuid.uuid4().hex[:10]
    port = free_port()
    env = {**os.environ, "GROUNDWORK_ENV": "test", "GROUNDWORK_DATA_DIR": str(data_dir),
           "GROUNDWORK_SECRET_KEY": secret_key, "GROUNDWORK_PORT": str(port),
           "GROUNDWORK_EMBEDDED_WORKER": "false", "GROUNDWORK_LOGIN_RATE_LIMIT": "1000/minute",
           "GROUNDWORK_BROKER_URL": RABBIT_URL if kind == "rabbitmq" else "",
           "GROUNDWORK_EVENTS_EXCHANGE": f"gw.test.{run}.events", "GROUNDWORK_WORKER_PREFIX": f"gw.test.{run}",
           "GROUNDWORK_API_URL": f"http://127.0.0.1:{port}", "GROUNDWORK_SERVICE_TOKEN": service_token,
           "GROUNDWORK_MLFLOW_TRACKING_URI": f"sqlite:///{tmp_path / 'mlflow' / 'mlflow.db'}",
           "GROUNDWORK_HEARTBEAT_DIR": str(tmp_path), "GROUNDWORK_LOG_LEVEL": "INFO",
           "GROUNDWORK_PARENT_PID": str(os.getpid()), "HF_HUB_OFFLINE": "1",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))}
    (tmp_path / "mlflow").mkdir(exist_ok=True)
    if TEST_DB_URL:
        env["GROUNDWORK_DATABASE_URL"] = TEST_DB_URL
    api = httpx.Client(base_url=env["GROUNDWORK_API_URL"], headers={"Authorization": f"Bearer {admin_token}"},
                       timeout=60)
    p = Platform(kind, env["GROUNDWORK_API_URL"], env, api, tmp_path)
    p.start("serve", [str(Path(sys.executable).parent / "groundwork"), "serve"])
    try:
        wait_until(lambda: _ok(api), 60, "the API to start")
        p.start("orchestrator", [sys.executable, "-m", "workflow_service", "orchestrator"])
        p.start("executor", [sys.executable, "-m", "workflow_service", "executor", "--queues", ",".join(QUEUES),
                             "--concurrency", "2"])
        wait_until(lambda: any(b["slug"] == "zero_shot_text" for b in api.get("/api/v1/blocks").json()), 90,
                   "the worker to register its blocks")
        wait_until(lambda: (tmp_path / "groundwork-orchestrator.heartbeat").exists(), 60, "the orchestrator")
        yield p
    finally:
        p.stop_all()
        for name in ("serve", "orchestrator", "executor"):  # shown by pytest when the test failed
            print(f"----- {name} (last lines) -----\n" + "\n".join(p.log(name).splitlines()[-80:]))
        api.close()
        if kind == "rabbitmq":
            _delete_rabbit_objects(env)


def _delete_rabbit_objects(env: dict[str, Any]) -> None:
    prefix = env["GROUNDWORK_WORKER_PREFIX"]
    with connection_for(RABBIT_URL, Path(env["GROUNDWORK_DATA_DIR"])) as conn:
        channel = conn.channel()
        for queue in (*(f"{prefix}.{q}" for q in QUEUES), f"{prefix}.workflows.events",
                      f"{prefix}.workflows.events.dlq", f"{prefix}.workflows.control",
                      f"{prefix}.workflows.control.dlq"):
            with suppress(Exception):
                channel.queue_delete(queue)
        with suppress(Exception):
            channel.exchange_delete(env["GROUNDWORK_EVENTS_EXCHANGE"])
