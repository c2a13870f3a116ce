"""A whole platform for workflow tests: ``groundwork serve`` and workflow-service processes, on RabbitMQ
(with a real Celery worker) or on the embedded broker, sharing the test database.

Each test gets its own events exchange and queue prefix, so leftovers of other tests never reach it.
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import suppress
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from groundwork.events import connection_for
from wfplatform import RABBIT_URL, Platform, free_port, rabbit_reachable, wait_until

from backend.auth import service as auth_service
from backend.auth.schemas import TokenCreate
from backend.config import Settings
from backend.core.db import make_session_factory, transaction

REPO_ROOT = Path(__file__).resolve().parents[2]


def _service_token(app: FastAPI, settings: Settings) -> str:
    factory = make_session_factory(app.state.engine)
    with transaction(factory) as s:
        account = auth_service.create_service_account(s, "workflow-service")
        return auth_service.create_token(s, account, TokenCreate(name="tests"), settings.secret_key).secret


@pytest.fixture(params=["rabbitmq", "embedded"])
def platform(request: pytest.FixtureRequest, app: FastAPI, settings: Settings, make_user: Callable[..., Any],
             tmp_path: Path) -> Iterator[Platform]:
    """``groundwork serve`` (relay and export jobs inside) plus an orchestrator and an executor."""
    kind = request.param
    if kind == "rabbitmq" and not rabbit_reachable():
        pytest.skip(f"RabbitMQ not reachable at {RABBIT_URL}")
    run = uuid.uuid4().hex[:10]
    port = free_port()
    admin = make_user(f"owner-{run}@example.com", superuser=True)
    # The test database is shared with this process; everything else (media, the embedded broker, the relay
    # lock) lives in a data directory of the test's own, so no state leaks from one test to the next.
    data_dir = tmp_path / "data"
    env = {**os.environ, "GROUNDWORK_ENV": "test", "GROUNDWORK_DATA_DIR": str(data_dir),
           "GROUNDWORK_DATABASE_URL": settings.resolved_database_url,
           "GROUNDWORK_SECRET_KEY": settings.secret_key, "GROUNDWORK_PORT": str(port),
           "GROUNDWORK_EMBEDDED_WORKER": "false", "GROUNDWORK_LOGIN_RATE_LIMIT": "1000/minute",
           "GROUNDWORK_BROKER_URL": RABBIT_URL if kind == "rabbitmq" else "",
           "GROUNDWORK_EVENTS_EXCHANGE": f"gw.test.{run}.events", "GROUNDWORK_WORKER_PREFIX": f"gw.test.{run}",
           "GROUNDWORK_API_URL": f"http://127.0.0.1:{port}", "GROUNDWORK_SERVICE_TOKEN": _service_token(app, settings),
           "GROUNDWORK_HEARTBEAT_DIR": str(tmp_path), "GROUNDWORK_LOG_LEVEL": "INFO",
           "GROUNDWORK_PARENT_PID": str(os.getpid()),  # no orphans if the test run dies
           # the executors import the test blocks' functions (tests.workflow_service.blockfuncs)
           "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))}
    api = httpx.Client(base_url=env["GROUNDWORK_API_URL"], headers={"Authorization": f"Bearer {admin.token}"},
                       timeout=30)
    p = Platform(kind, env["GROUNDWORK_API_URL"], env, api, tmp_path)
    p.start("serve", [str(Path(sys.executable).parent / "groundwork"), "serve"], PYTHONUNBUFFERED="1")
    try:
        wait_until(lambda: _ok(api, "/api/v1/health"), 60, "the API to start")
        p.start_worker("orchestrator")
        p.start_worker("executor")
        wait_until(lambda: any(b["slug"] == "human_task" for b in api.get("/api/v1/blocks").json()), 60,
                   "the worker to register its blocks")
        wait_until(lambda: (tmp_path / "groundwork-orchestrator.heartbeat").exists(), 60, "the orchestrator")
        yield p
    finally:
        p.stop_all()
        for name in ("serve", "orchestrator", "executor"):  # shown by pytest when the test failed
            print(f"----- {name} (last lines) -----\n" + "\n".join(p.log(name).splitlines()[-60:]))
        api.close()
        if kind == "rabbitmq":
            _delete_rabbit_objects(env)


def _ok(api: httpx.Client, path: str) -> bool:
    try:
        return api.get(path).status_code == 200
    except httpx.TransportError:
        return False


def _delete_rabbit_objects(env: dict[str, str]) -> None:
    prefix = env["GROUNDWORK_WORKER_PREFIX"]
    with connection_for(RABBIT_URL, Path(env["GROUNDWORK_DATA_DIR"])) as conn:
        channel = conn.channel()
        for queue in (f"{prefix}.cpu", f"{prefix}.workflows.events", f"{prefix}.workflows.events.dlq",
                      f"{prefix}.workflows.control", f"{prefix}.workflows.control.dlq"):
            with suppress(Exception):
                channel.queue_delete(queue)
        with suppress(Exception):
            channel.exchange_delete(env["GROUNDWORK_EVENTS_EXCHANGE"])
