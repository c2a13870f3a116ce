"""A whole platform for workflow tests: ``groundwork serve`` and workflow-service processes, on RabbitMQ
(with a real Celery worker) or on the embedded broker, sharing the test database.

Each test gets its own events exchange and queue prefix, so leftovers of other tests never reach it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from wfplatform import RABBIT_URL, Platform, launched, platform_env, rabbit_reachable

from backend.auth import service as auth_service
from backend.auth.schemas import TokenCreate
from backend.config import Settings
from backend.core.db import make_session_factory, transaction


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
    admin = make_user(f"owner-{uuid.uuid4().hex[:10]}@example.com", superuser=True)
    # The test database is shared with this process; everything else (media, the embedded broker, the relay
    # lock) lives in a data directory of the test's own, so no state leaks from one test to the next.
    env = platform_env(kind, tmp_path / "data", settings.secret_key, _service_token(app, settings), tmp_path,
                       GROUNDWORK_DATABASE_URL=settings.resolved_database_url)
    with launched(kind, env, admin.token, tmp_path, ready_block="human_task") as p:
        yield p
