"""Fixtures for the relay and consumer tests: every such test runs on the embedded broker and on RabbitMQ."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from relayhelpers import RABBIT_URL, Broker


def _rabbit_reachable() -> bool:
    url = urlparse(RABBIT_URL)
    try:
        with socket.create_connection((url.hostname or "127.0.0.1", url.port or 5672), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(params=["embedded", "rabbitmq"])
def broker(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Broker]:
    """The broker under test, with an exchange and queue names of its own (parallel runs never meet)."""
    run = uuid.uuid4().hex[:10]
    if request.param == "rabbitmq" and not _rabbit_reachable():
        pytest.skip(f"RabbitMQ not reachable at {RABBIT_URL}")
    url = RABBIT_URL if request.param == "rabbitmq" else None
    b = Broker(kind=request.param, url=url, data_dir=tmp_path / "data", exchange=f"gw.test.{run}",
               prefix=f"gw.test.{run}")
    b.data_dir.mkdir()
    yield b
    b.cleanup()
