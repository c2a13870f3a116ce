"""Annotations: every change is a version; stale writes get 409; history, diffs and as-of reads."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from fastapi import FastAPI
from sqlalchemy import Engine, func, select

from backend.annotations.models import Annotation, AnnotationVersion
from backend.events.models import Event
from tests.conftest import Team
from tests.factories import OBJECTS_SCHEMA, add_file


def _setup(team: Team, app: FastAPI) -> tuple[str, int, int]:
    p = team.project_id
    schema = team.admin.client.post(f"/api/v1/projects/{p}/schemas", json=OBJECTS_SCHEMA).json()
    return f"/api/v1/projects/{p}", schema["id"], add_file(app, p)


def test_edit_makes_versions_and_stale_write_is_refused(team: Team, app: FastAPI, engine: Engine) -> None:
    base, schema_id, file_id = _setup(team, app)
    api = team.editor.client
    created = api.post(f"{base}/files/{file_id}/annotations", json={
        "schema_id": schema_id, "type": "box", "label": "car", "geometry": {"x": 10, "y": 10, "w": 100, "h": 50},
        "attributes": {"occluded": False, "make": "vw"}})
    assert created.status_code == 201, created.text
    ann = created.json()
    assert ann["version"] == 1 and ann["label_id"] is not None

    moved = api.patch(f"{base}/annotations/{ann['id']}", json={"version": 1, "geometry": {"x": 20, "y": 10,
                                                                                           "w": 100, "h": 50}})
    assert moved.status_code == 200, moved.text
    assert moved.json()["version"] == 2

    # A second editor still holding version 1 must not overwrite the move.
    stale = team.admin.client.patch(f"{base}/annotations/{ann['id']}", json={"version": 1,
                                                                             "attributes": {"occluded": True}})
    assert stale.status_code == 409
    err = stale.json()["error"]
    assert err["code"] == "stale_version" and err["detail"]["current_version"] == 2
    assert api.get(f"{base}/annotations/{ann['id']}").json()["attributes"] == {"occluded": False, "make": "vw"}

    history = api.get(f"{base}/annotations/{ann['id']}/versions").json()["items"]
    assert [v["version"] for v in history] == [1, 2]
    assert history[0]["geometry"]["x"] == 10 and history[1]["geometry"]["x"] == 20
    with engine.connect() as conn:
        types = list(conn.scalars(select(Event.type).order_by(Event.id)))
    assert types.count("annotation.created") == 1 and types.count("annotation.updated") == 1


def test_as_of_reads_see_the_past(team: Team, app: FastAPI) -> None:
    base, schema_id, file_id = _setup(team, app)
    api = team.editor.client
    ann = api.post(f"{base}/files/{file_id}/annotations", json={
        "schema_id": schema_id, "type": "point", "label": "car", "geometry": {"x": 1, "y": 1}}).json()
    time.sleep(0.01)
    t1 = datetime.now(UTC)
    time.sleep(0.01)
    api.patch(f"{base}/annotations/{ann['id']}", json={"version": 1, "geometry": {"x": 5, "y": 5}})
    time.sleep(0.01)
    t2 = datetime.now(UTC)
    time.sleep(0.01)
    assert api.delete(f"{base}/annotations/{ann['id']}", params={"version": 2}).status_code == 204

    assert api.get(f"{base}/files/{file_id}/annotations").json()["items"] == []
    at_t1 = api.get(f"{base}/files/{file_id}/annotations", params={"as_of": t1.isoformat()}).json()["items"]
    at_t2 = api.get(f"{base}/files/{file_id}/annotations", params={"as_of": t2.isoformat()}).json()["items"]
    assert [a["geometry"] for a in at_t1] == [{"x": 1, "y": 1}]
    assert [a["geometry"] for a in at_t2] == [{"x": 5, "y": 5}]
    before = api.get(f"{base}/files/{file_id}/annotations", params={"as_of": "2000-01-01T00:00:00Z"}).json()
    assert before["items"] == []

    history = api.get(f"{base}/files/{file_id}/history").json()["items"]
    assert [(h["version"], h["deleted"]) for h in history] == [(1, False), (2, False), (3, True)]
    # a deleted annotation cannot be edited any more
    gone = api.patch(f"{base}/annotations/{ann['id']}", json={"version": 3, "geometry": {"x": 2, "y": 2}})
    assert gone.status_code == 404


def test_diff_compares_prelabel_with_human_correction(team: Team, app: FastAPI) -> None:
    base, schema_id, file_id = _setup(team, app)
    pre = team.editor.client.post(f"{base}/files/{file_id}/annotations", json={
        "schema_id": schema_id, "type": "box", "label": "car", "geometry": {"x": 0, "y": 0, "w": 10, "h": 10},
        "source": "model", "model_name": "owlv2", "model_version": "base-16", "score": 0.42}).json()
    team.admin.client.patch(f"{base}/annotations/{pre['id']}", json={
        "version": 1, "label": "person", "geometry": {"x": 0, "y": 0, "w": 12, "h": 30}})
    diff = team.viewer.client.get(f"{base}/annotations/{pre['id']}/diff", params={"from": 1, "to": 2}).json()
    assert set(diff["changes"]) == {"label_id", "geometry"}
    assert diff["changes"]["geometry"]["before"]["h"] == 10 and diff["changes"]["geometry"]["after"]["h"] == 30


def test_as_of_needs_a_time_zone(team: Team, app: FastAPI) -> None:
    base, _, file_id = _setup(team, app)
    res = team.editor.client.get(f"{base}/files/{file_id}/annotations", params={"as_of": "2026-01-01T00:00:00"})
    assert res.status_code == 422 and res.json()["error"]["fields"][0]["field"] == "query.as_of"


def count_rows(engine: Engine) -> tuple[int, int]:
    with engine.connect() as conn:
        heads = conn.scalar(select(func.count()).select_from(Annotation)) or 0
        versions = conn.scalar(select(func.count()).select_from(AnnotationVersion)) or 0
    return heads, versions


def test_accepting_a_prelabel_makes_it_human_work_and_keeps_the_models_version(team: Team, app: FastAPI) -> None:
    base, schema_id, file_id = _setup(team, app)
    pre = team.editor.client.post(f"{base}/files/{file_id}/annotations", json={
        "schema_id": schema_id, "type": "box", "label": "car", "geometry": {"x": 0, "y": 0, "w": 10, "h": 10},
        "source": "model", "model_name": "owlv2", "score": 0.8}).json()
    count = f"{base}/files/count"
    assert team.viewer.client.get(count, params={"q": "labels.car.model = 1"}).json()["count"] == 1

    accepted = team.admin.client.patch(f"{base}/annotations/{pre['id']}", json={"version": 1, "source": "human"})
    assert accepted.status_code == 200, accepted.text
    body = accepted.json()
    assert (body["source"], body["model_name"], body["score"], body["version"]) == ("human", "owlv2", 0.8, 2)
    history = team.viewer.client.get(f"{base}/annotations/{pre['id']}/versions").json()["items"]
    assert [v["source"] for v in history] == ["model", "human"]
    # The label counts follow the source, so queries see the change at once.
    assert team.viewer.client.get(count, params={"q": "labels.car.model = 1"}).json()["count"] == 0
    assert team.viewer.client.get(count, params={"q": "labels.car.human = 1 and labels.car = 1"}).json()["count"] == 1

    # Nobody turns human work back into a model's.
    back = team.editor.client.patch(f"{base}/annotations/{pre['id']}", json={"version": 2, "source": "model"})
    assert back.status_code == 422
