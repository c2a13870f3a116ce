"""Idempotent task creation by ``external_key`` (how workflow blocks avoid duplicate tasks after a retry)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
from fastapi import FastAPI
from sqlalchemy import Engine, func, select

from backend.tasks.models import Task
from tests.conftest import Team
from tests.factories import OBJECTS_SCHEMA, add_file
from tests.workflows_api.wfhelpers import API


def _task_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(Task)) or 0)


def test_the_same_key_returns_the_same_task(app: FastAPI, team: Team, engine: Engine) -> None:
    p = team.project_id
    schema = team.admin.client.post(f"{API}/projects/{p}/schemas", json=OBJECTS_SCHEMA).json()
    f, g = add_file(app, p), add_file(app, p)
    body = {"file_ids": [f], "schema_id": schema["id"], "kind": "review", "external_key": "run:7:reviewed:1"}
    first = team.editor.client.post(f"{API}/projects/{p}/tasks", json=body)
    assert first.status_code == 201, first.text
    task = first.json()["created"][0]
    assert task["external_key"] == "run:7:reviewed:1"
    again = team.editor.client.post(f"{API}/projects/{p}/tasks", json=body)
    assert again.status_code == 200
    assert again.json() == {"created": [{**task, "actions": again.json()["created"][0]["actions"]}], "skipped": []}
    # the key names the task whatever else is asked for
    other = team.editor.client.post(f"{API}/projects/{p}/tasks", json={**body, "file_ids": [g], "kind": "annotate"})
    assert other.status_code == 200 and other.json()["created"][0]["id"] == task["id"]
    fresh = team.editor.client.post(f"{API}/projects/{p}/tasks", json={**body, "file_ids": [g],
                                                                       "external_key": "run:7:reviewed:2"})
    assert fresh.status_code == 201 and fresh.json()["created"][0]["file_id"] == g
    assert _task_count(engine) == 2
    read = team.viewer.client.get(f"{API}/projects/{p}/tasks/{task['id']}").json()
    assert read["external_key"] == "run:7:reviewed:1"
    plain = team.editor.client.post(f"{API}/projects/{p}/tasks", json={"file_ids": [f], "schema_id": schema["id"]})
    assert plain.status_code == 201 and plain.json()["created"][0]["external_key"] is None


def test_keys_are_per_project(app: FastAPI, team: Team) -> None:
    mine = team.project_id
    theirs = team.outsider.client.get(f"{API}/projects").json()["items"][0]["id"]
    for actor, p in ((team.admin, mine), (team.outsider, theirs)):
        schema = actor.client.post(f"{API}/projects/{p}/schemas", json=OBJECTS_SCHEMA).json()
        r = actor.client.post(f"{API}/projects/{p}/tasks", json={
            "file_ids": [add_file(app, p)], "schema_id": schema["id"], "external_key": "same"})
        assert r.status_code == 201, r.text


def test_a_key_needs_exactly_one_file(app: FastAPI, team: Team) -> None:
    p = team.project_id
    schema = team.admin.client.post(f"{API}/projects/{p}/schemas", json=OBJECTS_SCHEMA).json()
    r = team.editor.client.post(f"{API}/projects/{p}/tasks", json={
        "file_ids": [add_file(app, p), add_file(app, p)], "schema_id": schema["id"], "external_key": "k"})
    assert r.status_code == 422 and r.json()["error"]["fields"][0]["field"] == "body.external_key"


def test_concurrent_requests_with_one_key_make_one_task(app: FastAPI, team: Team, live_server: str,
                                                        engine: Engine) -> None:
    p = team.project_id
    schema = team.admin.client.post(f"{API}/projects/{p}/schemas", json=OBJECTS_SCHEMA).json()
    body = {"file_ids": [add_file(app, p)], "schema_id": schema["id"], "external_key": "race"}
    headers = {"Authorization": f"Bearer {team.editor.token}"}

    def create(_: int) -> tuple[int, int]:
        r = httpx.post(f"{live_server}{API}/projects/{p}/tasks", json=body, headers=headers, timeout=30)
        return r.status_code, r.json()["created"][0]["id"]

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(create, range(8)))
    assert sorted(code for code, _ in results) == [200] * 7 + [201]
    assert len({task_id for _, task_id in results}) == 1
    assert _task_count(engine) == 1
