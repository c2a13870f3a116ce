"""The bulk path: 10,000 annotations in one request, replace mode, all-or-nothing validation."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from sqlalchemy import Engine

from tests.annotations.test_annotation_versions import count_rows
from tests.conftest import Team
from tests.factories import OBJECTS_SCHEMA, add_file


def _boxes(n: int, model: str | None = "detector") -> list[dict[str, Any]]:
    extra = {"source": "model", "model_name": model, "model_version": "1", "score": 0.5} if model else {}
    return [{"type": "box", "label": "car", "geometry": {"x": i % 50, "y": i % 40, "w": 10, "h": 10}, **extra}
            for i in range(n)]


def _setup(team: Team, app: FastAPI, files: int) -> tuple[str, int, list[int]]:
    p = team.project_id
    schema = team.admin.client.post(f"/api/v1/projects/{p}/schemas", json=OBJECTS_SCHEMA).json()
    return f"/api/v1/projects/{p}", schema["id"], [add_file(app, p, width=100, height=80) for _ in range(files)]


def test_ten_thousand_annotations_in_one_request(team: Team, app: FastAPI, engine: Engine) -> None:
    base, schema_id, files = _setup(team, app, 10)
    body = {"schema_id": schema_id, "files": [{"file_id": f, "annotations": _boxes(1000)} for f in files]}
    res = team.editor.client.post(f"{base}/annotations/bulk", json=body)
    assert res.status_code == 200, res.text[:500]
    assert res.json()["created"] == 10_000
    assert count_rows(engine) == (10_000, 10_000)
    page = team.viewer.client.get(f"{base}/files/{files[0]}/annotations", params={"limit": 5000}).json()
    assert len(page["items"]) == 1000 and page["next_cursor"] is None


def test_over_the_limit_is_refused(team: Team, app: FastAPI, engine: Engine) -> None:
    base, schema_id, files = _setup(team, app, 1)
    res = team.editor.client.post(f"{base}/annotations/bulk", json={
        "schema_id": schema_id, "files": [{"file_id": files[0], "annotations": _boxes(10_001)}]})
    assert res.status_code == 422 and res.json()["error"]["fields"][0]["field"] == "body.files"
    assert count_rows(engine) == (0, 0)


def test_one_bad_annotation_rejects_the_whole_request(team: Team, app: FastAPI, engine: Engine) -> None:
    base, schema_id, files = _setup(team, app, 3)
    bad = _boxes(5)
    bad[3]["geometry"] = {"x": 95, "y": 0, "w": 10, "h": 10}
    body = {"schema_id": schema_id, "files": [{"file_id": files[0], "annotations": _boxes(5)},
                                               {"file_id": files[1], "annotations": bad}]}
    res = team.editor.client.post(f"{base}/annotations/bulk", json=body)
    assert res.status_code == 422
    assert res.json()["error"]["fields"][0]["field"] == "body.files.1.annotations.3.geometry.w"
    assert count_rows(engine) == (0, 0)
    unknown = team.editor.client.post(f"{base}/annotations/bulk", json={
        "schema_id": schema_id, "files": [{"file_id": 999_999, "annotations": _boxes(1)}]})
    assert unknown.status_code == 422 and unknown.json()["error"]["fields"][0]["field"] == "body.files.0.file_id"


def test_a_bad_annotation_deep_in_a_big_write_stores_nothing(team: Team, app: FastAPI, engine: Engine) -> None:
    # Big enough to stream (PostgreSQL: one COPY that the bad row aborts half-way); nothing may stay behind.
    base, schema_id, files = _setup(team, app, 3)
    bad = _boxes(200)
    bad[150]["geometry"] = {"x": 95, "y": 0, "w": 10, "h": 10}
    body = {"schema_id": schema_id, "mode": "replace",
            "files": [{"file_id": files[0], "annotations": _boxes(200)}, {"file_id": files[1], "annotations": bad}]}
    assert team.editor.client.post(f"{base}/annotations/bulk", json={
        "schema_id": schema_id, "files": [{"file_id": files[1], "annotations": _boxes(2)}]}).status_code == 200
    res = team.editor.client.post(f"{base}/annotations/bulk", json=body)
    assert res.status_code == 422
    assert res.json()["error"]["fields"][0]["field"] == "body.files.1.annotations.150.geometry.w"
    assert count_rows(engine) == (2, 2)  # the earlier write alone: no new head, no tombstone
    with_unknown_schema = {"files": [{"file_id": files[2], "annotations": [
        *_boxes(150), {**_boxes(1)[0], "schema_id": 999_999}]}], "schema_id": schema_id}
    res = team.editor.client.post(f"{base}/annotations/bulk", json=with_unknown_schema)
    assert res.status_code == 422
    assert res.json()["error"]["fields"][0]["field"] == "body.files.0.annotations.150.schema_id"
    assert count_rows(engine) == (2, 2)
    ok = team.editor.client.post(f"{base}/annotations/bulk", json={
        "schema_id": schema_id, "files": [{"file_id": f, "annotations": _boxes(200)} for f in files]})
    assert ok.status_code == 200 and ok.json()["created"] == 600
    assert count_rows(engine) == (602, 602)


def test_replace_swaps_one_models_prelabels_and_keeps_the_rest(team: Team, app: FastAPI, engine: Engine) -> None:
    base, schema_id, files = _setup(team, app, 2)
    api = team.editor.client
    api.post(f"{base}/annotations/bulk", json={"schema_id": schema_id, "files": [
        {"file_id": f, "annotations": _boxes(3, "detector") + _boxes(2, "other") + _boxes(1, None)} for f in files]})
    res = api.post(f"{base}/annotations/bulk", json={"schema_id": schema_id, "mode": "replace",
                                                     "replace_scope": "model",
                                                     "files": [{"file_id": files[0],
                                                                "annotations": _boxes(4, "detector")}]})
    assert res.status_code == 200, res.text
    assert res.json()["replaced"] == 3 and res.json()["created"] == 4
    live = api.get(f"{base}/files/{files[0]}/annotations").json()["items"]
    by_model: dict[str | None, int] = {}
    for a in live:
        by_model[a["model_name"]] = by_model.get(a["model_name"], 0) + 1
    assert by_model == {"detector": 4, "other": 2, None: 1}
    assert len(api.get(f"{base}/files/{files[1]}/annotations").json()["items"]) == 6
    # replaced annotations keep their history: one tombstone version each
    heads, versions = count_rows(engine)
    assert heads == 12 + 4 and versions == 12 + 4 + 3


def test_viewers_and_annotators_cannot_bulk_write(team: Team, app: FastAPI) -> None:
    base, schema_id, files = _setup(team, app, 1)
    body = {"schema_id": schema_id, "files": [{"file_id": files[0], "annotations": _boxes(1)}]}
    assert team.viewer.client.post(f"{base}/annotations/bulk", json=body).status_code == 403
    assert team.annotator.client.post(f"{base}/annotations/bulk", json=body).status_code == 403
    assert team.outsider.client.post(f"{base}/annotations/bulk", json=body).status_code == 404


def test_a_file_of_another_project_is_refused(team: Team, app: FastAPI, engine: Engine) -> None:
    # files are looked up by id alone and their project checked on the rows: a foreign id must not slip through
    base, schema_id, files = _setup(team, app, 1)
    other_project = team.outsider.client.get("/api/v1/projects").json()["items"][0]["id"]
    foreign = add_file(app, other_project, width=100, height=80)
    res = team.editor.client.post(f"{base}/annotations/bulk", json={
        "schema_id": schema_id, "files": [{"file_id": files[0], "annotations": _boxes(2)},
                                          {"file_id": foreign, "annotations": _boxes(2)}]})
    assert res.status_code == 422 and res.json()["error"]["fields"][0]["field"] == "body.files.1.file_id"
    assert count_rows(engine) == (0, 0)


def test_a_write_against_an_old_schema_revision_is_refused(team: Team, app: FastAPI, engine: Engine) -> None:
    base, schema_id, files = _setup(team, app, 1)
    schema = team.admin.client.get(f"{base}/schemas/{schema_id}").json()
    body = {"schema_id": schema_id, "schema_revision": schema["revision"], "mode": "replace",
            "files": [{"file_id": files[0], "annotations": _boxes(2)}]}
    assert team.editor.client.post(f"{base}/annotations/bulk", json=body).status_code == 200
    doc = {**OBJECTS_SCHEMA, "revision": schema["revision"],
           "labels": [*OBJECTS_SCHEMA["labels"], {"name": "bus", "color": "#00ff00", "annotation_types": ["box"]}]}
    edited = team.admin.client.put(f"{base}/schemas/{schema_id}", json=doc)
    assert edited.status_code == 200, edited.text
    stale = team.editor.client.post(f"{base}/annotations/bulk", json={**body, "files": [
        {"file_id": files[0], "annotations": _boxes(5)}]})
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "stale_version"
    assert stale.json()["error"]["fields"][0]["field"] == "body.schema_revision"
    assert stale.json()["error"]["detail"]["current_revision"] == edited.json()["revision"]
    assert count_rows(engine) == (2, 2)  # the replace did not happen: still the first two boxes, one version each
    no_schema = team.editor.client.post(f"{base}/annotations/bulk", json={**body, "schema_id": None})
    assert no_schema.status_code == 422
    assert no_schema.json()["error"]["fields"][0]["field"] == "body.schema_revision"
