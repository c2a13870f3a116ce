"""Fixtures for the relay and consumer tests: every such test runs on the embedded broker and on RabbitMQ."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from relayhelpers import RABBIT_URL, Broker

from tests.netutil import reachable


@pytest.fixture(params=["embedded", "rabbitmq"])
def broker(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Broker]:
    """The broker under test, with an exchange and queue names of its own (parallel runs never meet)."""
    run = uuid.uuid4().hex[:10]
    if request.param == "rabbitmq" and not reachable(RABBIT_URL):
        pytest.skip(f"RabbitMQ not reachable at {RABBIT_URL}")
    url = RABBIT_URL if request.param == "rabbitmq" else None
    b = Broker(kind=request.param, url=url, data_dir=tmp_path / "data", exchange=f"gw.test.{run}",
               prefix=f"gw.test.{run}")
    b.data_dir.mkdir()
    yield b
    b.cleanup()
