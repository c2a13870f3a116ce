"""Fixtures for webhook tests: a real HTTP receiver that checks signatures with the documented snippet,
apps and dispatcher settings that may reach loopback, and a pump that drives the dispatcher."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hookhelpers import Receiver
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from backend.app import create_app
from backend.config import Settings
from backend.core.db import make_session_factory
from backend.webhooks.dispatcher import fan_out_once, send_due_once

FAST = {"allow_private_urls": True, "webhook_backoff_base_s": 0.0, "webhook_backoff_cap_s": 0.0,
        "webhook_timeout_s": 2.0}


@pytest.fixture
def receiver() -> Iterator[Callable[[], Receiver]]:
    """Start local HTTP receivers: ``receiver()`` → server with ``.url()``, ``.script``, ``.received``."""
    servers: list[Receiver] = []

    def _start() -> Receiver:
        server = Receiver()
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield _start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def hook_settings(settings: Settings) -> Callable[..., Settings]:
    """Settings for apps and dispatchers that may reach loopback and retry at once: ``hook_settings(x=1)``."""

    def _make(**overrides: Any) -> Settings:
        return settings.model_copy(update={**FAST, **overrides})

    return _make


@pytest.fixture
def hook_client(hook_settings: Callable[..., Settings], engine: Engine) -> Iterator[Callable[..., TestClient]]:
    """A bearer-token client on an app that allows private URLs: ``hook_client(actor.token)``."""
    apps: list[FastAPI] = []
    clients: list[TestClient] = []

    def _make(token: str, **overrides: Any) -> TestClient:
        app = create_app(hook_settings(**overrides))
        apps.append(app)
        client = TestClient(app, headers={"Authorization": f"Bearer {token}"})
        clients.append(client)
        return client

    yield _make
    for client in clients:
        client.close()
    for app in apps:
        app.state.engine.dispose()


@pytest.fixture
def factory(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


@pytest.fixture
def pump(factory: sessionmaker[Session], hook_settings: Callable[..., Settings]) -> Callable[..., int]:
    """Fan out, then send until nothing is due (retries are due at once with zero backoff); attempts made."""

    def _pump(rounds: int = 50, **overrides: Any) -> int:
        cfg = hook_settings(**overrides)
        fan_out_once(factory)
        total = 0
        for _ in range(rounds):
            sent = send_due_once(factory, cfg)
            if not sent:
                return total
            total += sent
        raise AssertionError("deliveries still due after many passes")

    return _pump
