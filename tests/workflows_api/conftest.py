"""Fixtures for the workflows API: a service account with its token, a seeded block catalogue, definitions."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from backend.auth import service as auth_service
from backend.auth.schemas import TokenCreate
from backend.config import Settings
from backend.core.db import make_session_factory, transaction
from tests.conftest import Actor, Team
from tests.workflows_api.wfhelpers import API, BLOCKS, REVIEW_TEXTS


@pytest.fixture
def service_actor(app: FastAPI, settings: Settings) -> Iterator[Actor]:
    """The workflow service's account (``User.kind == service``) with a bearer-token client."""
    with transaction(make_session_factory(app.state.engine)) as s:
        user = auth_service.create_service_account(s, "workflow-service")
        token = auth_service.create_token(s, user, TokenCreate(name="tests"), settings.secret_key)
    with TestClient(app, headers={"Authorization": f"Bearer {token.secret}"}) as c:
        yield Actor(user=user, token=token.secret, client=c)


@pytest.fixture
def catalogue(service_actor: Actor) -> list[dict[str, Any]]:
    """The test blocks, registered through ``PUT /blocks`` as the workflow service does."""
    r = service_actor.client.put(f"{API}/blocks", json={"blocks": BLOCKS, "replace": True})
    assert r.status_code == 200, r.text
    return list(r.json())


@pytest.fixture
def make_workflow(team: Team, catalogue: list[dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    """Create a workflow in the team's project as its admin; returns the WorkflowDetail."""

    def _make(source: str = REVIEW_TEXTS, **body: Any) -> dict[str, Any]:
        r = team.admin.client.post(f"{API}/projects/{team.project_id}/workflows", json={"source": source, **body})
        assert r.status_code == 201, r.text
        return dict(r.json())

    return _make


@pytest.fixture
def current_version_id(service_actor: Actor) -> Callable[[dict[str, Any]], int]:
    """workflow → the id of its current version, read through ``GET /service/workflows``."""

    def _get(workflow: dict[str, Any]) -> int:
        listed = service_actor.client.get(f"{API}/service/workflows").json()
        return int(next(w["version_id"] for w in listed if w["workflow_id"] == workflow["id"]))

    return _get
