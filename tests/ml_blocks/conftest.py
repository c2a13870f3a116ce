"""Fixtures for the ML blocks: a real API (uvicorn) with a project and the workflow service's token,
step contexts for calling blocks directly, a local MLflow store, tiny models, the whole platform.

Blocks are called as the executor calls them (``run_batch`` with step contexts); they reach the API
over HTTP with the service token, exactly as in a worker.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from mlhelpers import TOPICS_SCHEMA, MLProject, next_id, service_token

from backend.config import Settings
from tests.conftest import Actor
from workflow_service.backend_api import BackendAPI


@pytest.fixture
def schema_reads(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """The label-schema reads the ML blocks make from now on (the schema names asked for), in order."""
    from workflow_service.blocks.ml import _data

    reads: list[str | None] = []
    real_schema = _data.schema

    def counted(ctx: Any, name: str | None) -> Any:
        reads.append(name)
        return real_schema(ctx, name)

    monkeypatch.setattr(_data, "schema", counted)
    return reads


@pytest.fixture(autouse=True)
def _fresh_schema_memory() -> Iterator[None]:
    """Each test has a database of its own behind the same kind of URL: no label schema is remembered across."""
    from workflow_service.blocks.ml import _data

    _data.known_schemas.clear()
    yield
    _data.known_schemas.clear()


@pytest.fixture
def make_project(app: FastAPI, settings: Settings, live_server: str, make_user: Callable[..., Actor]
                 ) -> Iterator[Callable[..., MLProject]]:
    """Projects with a label schema (default: three topics), reached over real HTTP."""
    admin = make_user("ml-admin@example.com", superuser=True)
    http = httpx.Client(base_url=live_server, headers={"Authorization": f"Bearer {admin.token}"}, timeout=60)
    api = BackendAPI(live_server, service_token(app, settings))

    def _make(schema: dict[str, Any] | None = None, name: str = "ml") -> MLProject:
        pid = http.post("/api/v1/projects", json={"name": f"{name}-{next_id()}"}).json()["id"]
        r = http.post(f"/api/v1/projects/{pid}/schemas", json=schema or TOPICS_SCHEMA)
        assert r.status_code == 201, r.text
        return MLProject(pid, http, api, r.json()["id"])

    yield _make
    api.close()
    http.close()


@pytest.fixture
def project(make_project: Callable[..., MLProject]) -> MLProject:
    """A project with the three-topic schema."""
    return make_project()


@pytest.fixture
def mlflow_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh local MLflow store for this test (as a worker's default under its data directory)."""
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    monkeypatch.setenv("GROUNDWORK_MLFLOW_TRACKING_URI", uri)
    monkeypatch.setenv("GROUNDWORK_DATA_DIR", str(tmp_path))
    yield uri
    import mlflow  # the blocks set MLflow's process-wide URIs: leave nothing pointing at a deleted store

    mlflow.set_tracking_uri("")
    mlflow.set_registry_uri("")


@pytest.fixture
def platform(request: pytest.FixtureRequest, app: FastAPI, settings: Settings, make_user: Callable[..., Actor],
             tmp_path: Path) -> Iterator[Any]:
    """serve + orchestrator + executor on cpu,gpu (``request.param``: rabbitmq or embedded; default rabbitmq)."""
    from mlplatform import ml_platform

    from tests.workflow_service.wfplatform import RABBIT_URL, rabbit_reachable

    kind = getattr(request, "param", "rabbitmq")
    if kind == "rabbitmq" and not rabbit_reachable():
        pytest.skip(f"RabbitMQ not reachable at {RABBIT_URL}")
    admin = make_user(f"owner-{next_id()}@example.com", superuser=True)
    with ml_platform(kind, settings.data_dir, settings.secret_key, service_token(app, settings), admin.token,
                     tmp_path) as p:
        yield p


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Tiny random CLIP, OWL-ViT, OWLv2 and NLI model directories (built once per session)."""
    pytest.importorskip("transformers")
    from tinymodels import build

    return build(tmp_path_factory.mktemp("models"))
