"""Every role against every endpoint family: allowed, or refused with 403 (members) / 404 (others).

One world per family: a project with a schema, an uploaded image with an annotation, a dataset, and
an in-progress task assigned to the annotator (so the annotator may see and annotate that file).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from tests.conftest import Actor, Team
from tests.factories import OBJECTS_SCHEMA
from tests.files.filehelpers import make_image, upload

ROLES = ("admin", "editor", "annotator", "viewer")
_unique = itertools.count()


@dataclass
class World:
    p: int
    schema_id: int
    file_id: int
    annotation_id: str
    dataset_id: int
    task_id: int

    @property
    def base(self) -> str:
        return f"/api/v1/projects/{self.p}"


@pytest.fixture
def world(team: Team, make_user: Callable[..., Actor]) -> World:
    make_user("joiner@example.com")
    admin = team.admin.client
    p = team.project_id
    schema = admin.post(f"/api/v1/projects/{p}/schemas", json=OBJECTS_SCHEMA).json()
    f = upload(admin, p, [("a.png", make_image("PNG", (100, 80)))]).json()["items"][0]["file"]
    ann = admin.post(f"/api/v1/projects/{p}/files/{f['id']}/annotations", json={
        "schema_id": schema["id"], "type": "box", "label": "car", "geometry": {"x": 1, "y": 1, "w": 5, "h": 5}})
    dataset = admin.post(f"/api/v1/projects/{p}/datasets", json={"name": "train"}).json()
    tasks = admin.post(f"/api/v1/projects/{p}/tasks", json={
        "file_ids": [f["id"]], "schema_id": schema["id"], "kind": "annotate", "assignee_id": team.annotator.user.id})
    task = tasks.json()["created"][0]
    started = team.annotator.client.post(f"/api/v1/projects/{p}/tasks/{task['id']}/actions",
                                         json={"action": "start", "version": task["version"]})
    assert started.status_code == 200, started.text
    return World(p=p, schema_id=schema["id"], file_id=f["id"], annotation_id=ann.json()["id"],
                 dataset_id=dataset["id"], task_id=task["id"])


Call = Callable[[TestClient, World], Response]


def _n() -> int:
    return next(_unique)


MATRIX: list[tuple[str, str, Call]] = [
    ("project: read", "AENV", lambda c, w: c.get(w.base)),
    ("project: update", "A", lambda c, w: c.patch(w.base, json={"description": "x"})),
    ("members: read", "AENV", lambda c, w: c.get(f"{w.base}/members")),
    ("members: add", "A", lambda c, w: c.post(f"{w.base}/members", json={"email": "joiner@example.com",
                                                                          "role": "viewer"})),
    ("schemas: read", "AENV", lambda c, w: c.get(f"{w.base}/schemas/{w.schema_id}")),
    ("schemas: create", "A", lambda c, w: c.post(f"{w.base}/schemas", json={"name": f"s{_n()}"})),
    ("files: list", "AENV", lambda c, w: c.get(f"{w.base}/files")),
    ("files: read one", "AENV", lambda c, w: c.get(f"{w.base}/files/{w.file_id}")),
    ("files: content", "AENV", lambda c, w: c.get(f"{w.base}/files/{w.file_id}/content")),
    ("files: upload", "AE", lambda c, w: upload(c, w.p, [(f"{_n()}.png", make_image("PNG", (8, 8 + _n())))])),
    ("files: update", "AE", lambda c, w: c.patch(f"{w.base}/files/{w.file_id}", json={"metadata": {"k": 1}})),
    ("datasets: read", "AEV", lambda c, w: c.get(f"{w.base}/datasets/{w.dataset_id}")),
    ("datasets: create", "AE", lambda c, w: c.post(f"{w.base}/datasets", json={"name": f"d{_n()}"})),
    ("datasets: add files", "AE", lambda c, w: c.post(f"{w.base}/datasets/{w.dataset_id}/files",
                                                      json={"file_ids": [w.file_id]})),
    ("annotations: read", "AENV", lambda c, w: c.get(f"{w.base}/files/{w.file_id}/annotations")),
    ("annotations: history", "AENV", lambda c, w: c.get(f"{w.base}/annotations/{w.annotation_id}/versions")),
    ("annotations: create", "AEN", lambda c, w: c.post(f"{w.base}/files/{w.file_id}/annotations", json={
        "schema_id": w.schema_id, "type": "point", "label": "car", "geometry": {"x": 2, "y": 2}})),
    ("annotations: bulk", "AE", lambda c, w: c.post(f"{w.base}/annotations/bulk", json={
        "schema_id": w.schema_id, "files": [{"file_id": w.file_id, "annotations": [
            {"type": "point", "label": "car", "geometry": {"x": 3, "y": 3}}]}]})),
    ("tasks: list", "AENV", lambda c, w: c.get(f"{w.base}/tasks")),
    ("tasks: read one", "AENV", lambda c, w: c.get(f"{w.base}/tasks/{w.task_id}")),
    ("tasks: create", "AE", lambda c, w: c.post(f"{w.base}/tasks", json={
        "file_ids": [w.file_id], "schema_id": w.schema_id, "kind": "review"})),
    ("tasks: next", "AEN", lambda c, w: c.post(f"{w.base}/tasks/next", json={})),
    ("tasks: progress", "AEV", lambda c, w: c.get(f"{w.base}/tasks/progress")),
    ("tasks: throughput", "AEV", lambda c, w: c.get(f"{w.base}/tasks/throughput", params={"days": 7})),
    ("events: read", "AEV", lambda c, w: c.get(f"{w.base}/events")),
    ("events: replay", "A", lambda c, w: c.post(f"{w.base}/events/replay", json={"after_id": 0})),
]


@pytest.mark.parametrize(("family", "allowed", "call"), MATRIX, ids=[m[0] for m in MATRIX])
def test_role_matrix(team: Team, world: World, family: str, allowed: str, call: Call) -> None:
    outcome: dict[str, Any] = {}
    for role in ROLES:
        res = call(team.by_role(role).client, world)
        outcome[role] = res.status_code
        expected_ok = {"admin": "A", "editor": "E", "annotator": "N", "viewer": "V"}[role] in allowed
        if expected_ok:
            assert res.status_code < 400, (family, role, res.status_code, res.text[:300])
        else:
            assert res.status_code == 403, (family, role, res.status_code, res.text[:300])
            assert res.json()["error"]["code"] == "forbidden"
    res = call(team.outsider.client, world)
    assert res.status_code == 404, (family, "outsider", res.status_code, res.text[:300])
