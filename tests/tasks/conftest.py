"""Fixtures for task tests: files and label schemas inserted directly (their APIs are separate)."""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from backend.core.db import make_session_factory, transaction
from backend.core.types import utcnow
from backend.files.models import File, FileKind
from backend.label_schemas.models import LabelSchema

_serial = itertools.count(1)


@pytest.fixture
def make_files(app: FastAPI) -> Callable[..., list[int]]:
    """Insert ``n`` image files into a project: ``make_files(project_id, n, deleted=False)`` → ids."""
    factory = make_session_factory(app.state.engine)

    def _make(project_id: int, n: int = 1, *, deleted: bool = False) -> list[int]:
        with transaction(factory) as s:
            files = []
            for _ in range(n):
                k = next(_serial)
                files.append(File(project_id=project_id, kind=FileKind.image, name=f"img-{k}.png",
                                  mime_type="image/png", size_bytes=1000 + k,
                                  content_hash=hashlib.sha256(str(k).encode()).hexdigest(),
                                  storage_key=f"test/{k}.png", width=64, height=48,
                                  deleted_at=utcnow() if deleted else None))
            s.add_all(files)
            s.flush()
            return [f.id for f in files]

    return _make


@pytest.fixture
def make_schema(app: FastAPI) -> Callable[..., int]:
    """Insert a label schema into a project: ``make_schema(project_id, name)`` → id."""
    factory = make_session_factory(app.state.engine)

    def _make(project_id: int, name: str | None = None) -> int:
        with transaction(factory) as s:
            schema = LabelSchema(project_id=project_id, name=name or f"schema-{next(_serial)}")
            s.add(schema)
            s.flush()
            return schema.id

    return _make


Client = TestClient | httpx.Client


@dataclass
class Board:
    """A team project with files and a schema, and helpers for its task endpoints."""

    team: Any
    schema_id: int
    file_ids: list[int]
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"/api/v1/projects/{self.team.project_id}/tasks"

    def create(self, client: Client, file_ids: list[int] | None = None, **body: Any) -> httpx.Response:
        body.setdefault("schema_id", self.schema_id)
        body.setdefault("kind", "annotate")
        return client.post(self.base, json={"file_ids": file_ids or self.file_ids, **body})

    def tasks(self, client: Client, file_ids: list[int] | None = None, **body: Any) -> list[dict[str, Any]]:
        res = self.create(client, file_ids, **body)
        assert res.status_code == 201, res.text
        return list(res.json()["created"])

    def act(self, client: Client, task: dict[str, Any], action: str, **body: Any) -> httpx.Response:
        body.setdefault("version", task["version"])
        return client.post(f"{self.base}/{task['id']}/actions", json={"action": action, **body})

    def ok(self, client: Client, task: dict[str, Any], action: str, **body: Any) -> dict[str, Any]:
        res = self.act(client, task, action, **body)
        assert res.status_code == 200, res.text
        return dict(res.json())

    def get(self, client: Client, task_id: int) -> httpx.Response:
        return client.get(f"{self.base}/{task_id}")

    def next(self, client: Client, **body: Any) -> httpx.Response:
        return client.post(f"{self.base}/next", json=body or None)


@pytest.fixture
def board(team: Any, make_files: Callable[..., list[int]], make_schema: Callable[..., int]) -> Board:
    return Board(team=team, schema_id=make_schema(team.project_id, "objects"),
                 file_ids=make_files(team.project_id, 5))

