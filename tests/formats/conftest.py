"""Fixtures for format tests: the team's project with both schemas; an S3 server (the storage tests' moto)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI

from backend.config import Settings
from tests.conftest import Team
from tests.formats.formathelpers import Project, project_of
from tests.storage.storage_servers import MotoS3, workdir


@pytest.fixture
def proj(team: Team, app: FastAPI) -> Project:
    return project_of(team, app)


@pytest.fixture(scope="session")
def moto_server() -> Iterator[MotoS3]:
    """moto's real S3 server, started once (the same stand-in tests/storage uses)."""
    path = workdir()
    server = MotoS3(path)
    yield server
    server.stop()


@pytest.fixture
def private_endpoints(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    # moto listens on 127.0.0.1, which storage connections refuse unless the server allows it.
    monkeypatch.setattr(settings, "storage_private_endpoints", True)
