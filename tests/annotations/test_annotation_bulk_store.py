"""The bulk path stores exactly what the one-at-a-time path stores, and refuses reused ids cleanly."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import FastAPI
from sqlalchemy import Engine

from tests.annotations.test_annotation_versions import count_rows
from tests.conftest import Team
from tests.factories import OBJECTS_SCHEMA, add_file

# Kept apart from the content: ids, times and authorship differ between the two writes.
_SAME = ("schema_id", "label_id", "type", "geometry", "attributes", "source", "model_name", "model_version",
         "score", "version")


def _mixed(i: int) -> list[dict[str, Any]]:
    """Several shapes with attributes, model fields, and a tag (no geometry): every stored column varies."""
    return [
        {"type": "box", "label": "car", "geometry": {"x": i % 50, "y": 2.5, "w": 10, "h": 7.25},
         "attributes": {"occluded": i % 2 == 0, "make": "vw", "speed": i}, "source": "model",
         "model_name": "det", "model_version": "3", "score": 0.5},
        {"type": "polygon", "label": "car", "geometry": {"points": [[1, 1], [20, 1], [10, 15.5]]}},
        {"type": "keypoints", "label": "person", "geometry": {"points": [
            {"x": 1, "y": 2}, {"x": 3, "y": 4, "visible": False}, {"x": 5, "y": 6}]}},
        {"type": "tag", "label": "indoor", "attributes": {"weather": "rainy"}},
    ]


def test_bulk_rows_read_back_like_single_writes(team: Team, app: FastAPI, engine: Engine) -> None:
    p = team.project_id
    schema_id = team.admin.client.post(f"/api/v1/projects/{p}/schemas", json=OBJECTS_SCHEMA).json()["id"]
    base, api = f"/api/v1/projects/{p}", team.editor.client
    bulk_files = [add_file(app, p, width=100, height=80) for _ in range(40)]  # 160 annotations: a big write
    single_file = add_file(app, p, width=100, height=80)
    res = api.post(f"{base}/annotations/bulk", json={
        "schema_id": schema_id, "files": [{"file_id": f, "annotations": _mixed(i)} for i, f in enumerate(bulk_files)]})
    assert res.status_code == 200, res.text[:500]
    for ann in _mixed(7):
        assert api.post(f"{base}/files/{single_file}/annotations", json={"schema_id": schema_id, **ann}
                        ).status_code == 201

    def content(file_id: int) -> list[dict[str, Any]]:
        items = api.get(f"{base}/files/{file_id}/annotations").json()["items"]
        return sorted(({k: a[k] for k in _SAME} for a in items), key=lambda a: a["type"])

    assert content(bulk_files[7]) == content(single_file)
    history = api.get(f"{base}/files/{bulk_files[7]}/history").json()["items"]
    assert len(history) == 4 and all(v["version"] == 1 and not v["deleted"] for v in history)
    assert {v["author_id"] for v in history} == {team.editor.user.id}
    head = api.get(f"{base}/files/{bulk_files[7]}/annotations").json()["items"][0]
    assert head["created_at"] == head["updated_at"] and head["created_at"].endswith(("Z", "+00:00"))
    assert count_rows(engine) == (164, 164)


def test_an_id_given_twice_or_already_taken_is_refused(team: Team, app: FastAPI, engine: Engine) -> None:
    p = team.project_id
    schema_id = team.admin.client.post(f"/api/v1/projects/{p}/schemas", json=OBJECTS_SCHEMA).json()["id"]
    base, api = f"/api/v1/projects/{p}", team.editor.client
    files = [add_file(app, p) for _ in range(2)]
    box = {"type": "box", "label": "car", "geometry": {"x": 1, "y": 1, "w": 5, "h": 5}}
    same = str(uuid.uuid4())
    twice = api.post(f"{base}/annotations/bulk", json={"schema_id": schema_id, "files": [
        {"file_id": files[0], "annotations": [{**box, "id": same}]},
        {"file_id": files[1], "annotations": [box, {**box, "id": same}]}]})
    assert twice.status_code == 422
    assert twice.json()["error"]["fields"][0]["field"] == "body.files.1.annotations.1.id"
    assert count_rows(engine) == (0, 0)

    taken = api.post(f"{base}/files/{files[0]}/annotations", json={"schema_id": schema_id, **box}).json()["id"]
    again = api.post(f"{base}/annotations/bulk", json={"schema_id": schema_id, "files": [
        {"file_id": files[1], "annotations": [box] * 150 + [{**box, "id": taken}]}]})
    assert again.status_code == 422
    assert again.json()["error"]["fields"][0]["field"] == "body.files.0.annotations.150.id"
    assert count_rows(engine) == (1, 1)


def test_replacing_many_keeps_each_old_state_as_a_tombstone(team: Team, app: FastAPI, engine: Engine) -> None:
    p = team.project_id
    schema_id = team.admin.client.post(f"/api/v1/projects/{p}/schemas", json=OBJECTS_SCHEMA).json()["id"]
    base, api = f"/api/v1/projects/{p}", team.editor.client
    file_id = add_file(app, p, width=100, height=80)
    first = api.post(f"{base}/annotations/bulk", json={"schema_id": schema_id, "files": [
        {"file_id": file_id, "annotations": [a for i in range(40) for a in _mixed(i)[:1]] * 3}]})  # 120 boxes
    assert first.status_code == 200, first.text[:300]
    old_id = first.json()["annotation_ids"][str(file_id)][5]
    again = api.post(f"{base}/annotations/bulk", json={
        "schema_id": schema_id, "mode": "replace", "replace_scope": "model",
        "files": [{"file_id": file_id, "annotations": _mixed(1)[:1]}]})
    assert again.status_code == 200 and again.json()["replaced"] == 120
    versions = api.get(f"{base}/annotations/{old_id}/versions").json()["items"]
    assert [(v["version"], v["deleted"]) for v in versions] == [(1, False), (2, True)]
    assert {k: versions[1][k] for k in _SAME if k != "version"} == {k: versions[0][k] for k in _SAME if k != "version"}
    assert versions[1]["author_id"] == team.editor.user.id
    assert count_rows(engine) == (121, 241)
