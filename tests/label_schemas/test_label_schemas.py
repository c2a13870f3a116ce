"""Label schemas: validated documents, revisions, archiving labels that are in use."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, select

from backend.events.models import Event
from tests.conftest import Team
from tests.factories import OBJECTS_SCHEMA, add_file


def _base(team: Team) -> str:
    return f"/api/v1/projects/{team.project_id}/schemas"


BAD_DOCS = [
    ("duplicate label", {"labels": [{"name": "a", "color": "#000000", "annotation_types": ["box"]},
                                    {"name": "a", "color": "#000000", "annotation_types": ["box"]}]},
     "body.labels.1.name"),
    ("bad color", {"labels": [{"name": "a", "color": "red", "annotation_types": ["box"]}]}, "body.labels.0.color"),
    ("no types", {"labels": [{"name": "a", "color": "#000000", "annotation_types": []}]},
     "body.labels.0.annotation_types"),
    ("keypoints without names", {"labels": [{"name": "a", "color": "#000000", "annotation_types": ["keypoints"]}]},
     "body.labels.0"),
    ("select without options", {"attributes": [{"name": "x", "kind": "select", "scope": "file"}]},
     "body.attributes.0"),
    ("unknown kind", {"attributes": [{"name": "x", "kind": "colour", "scope": "file"}]},
     "body.attributes.0.kind"),
    ("attribute for an unknown label", {"attributes": [{"name": "x", "kind": "text", "scope": "instance",
                                                        "label_names": ["ghost"]}]},
     "body.attributes.0.label_names.0"),
    ("unknown field", {"colour": 1}, "body.colour"),
]


@pytest.mark.parametrize(("case", "doc", "field"), BAD_DOCS, ids=[c[0] for c in BAD_DOCS])
def test_invalid_schema_is_refused(team: Team, case: str, doc: dict[str, Any], field: str) -> None:
    res = team.admin.client.post(_base(team), json={"name": "s", **doc})
    assert res.status_code == 422, res.text
    assert any(f["field"] == field for f in res.json()["error"]["fields"]), res.json()
    assert team.admin.client.get(_base(team)).json()["items"] == []


def test_only_admins_write_schemas_but_everyone_reads(team: Team) -> None:
    assert team.editor.client.post(_base(team), json=OBJECTS_SCHEMA).status_code == 403
    created = team.admin.client.post(_base(team), json=OBJECTS_SCHEMA)
    assert created.status_code == 201
    for actor in (team.editor, team.annotator, team.viewer):
        names = [x["name"] for x in actor.client.get(_base(team)).json()["items"][0]["labels"]]
        assert names == ["car", "person", "indoor", "topic"]
    assert team.outsider.client.get(_base(team)).status_code == 404
    assert team.admin.client.post(_base(team), json=OBJECTS_SCHEMA).status_code == 409


def test_update_archives_used_labels_and_bumps_revision(team: Team, app: FastAPI, engine: Engine) -> None:
    api = team.admin.client
    schema = api.post(_base(team), json=OBJECTS_SCHEMA).json()
    file_id = add_file(app, team.project_id)
    ann = api.post(f"/api/v1/projects/{team.project_id}/files/{file_id}/annotations", json={
        "schema_id": schema["id"], "type": "box", "label": "car", "geometry": {"x": 1, "y": 1, "w": 2, "h": 2}})
    assert ann.status_code == 201

    doc = copy.deepcopy(OBJECTS_SCHEMA)
    car_id = next(x["id"] for x in schema["labels"] if x["name"] == "car")
    doc["labels"] = [x for x in doc["labels"] if x["name"] not in ("car", "indoor")]
    doc["labels"].append({"name": "truck", "color": "#123456", "annotation_types": ["box"]})
    doc["attributes"] = [a for a in doc["attributes"] if a["name"] != "make"]
    res = api.put(f"{_base(team)}/{schema['id']}", json={**doc, "revision": 1})
    assert res.status_code == 200, res.text
    after = res.json()
    assert after["revision"] == 2
    labels = {x["name"]: x for x in after["labels"]}
    assert labels["car"]["archived"] is True and labels["car"]["id"] == car_id  # kept: annotations use it
    assert "indoor" not in labels  # unused: dropped
    assert labels["truck"]["archived"] is False

    # new annotations cannot use the archived label; the old one still reads fine
    refused = api.post(f"/api/v1/projects/{team.project_id}/files/{file_id}/annotations", json={
        "schema_id": schema["id"], "type": "box", "label": "car", "geometry": {"x": 1, "y": 1, "w": 2, "h": 2}})
    assert refused.status_code == 422 and refused.json()["error"]["fields"][0]["field"] == "body.label"

    stale = api.put(f"{_base(team)}/{schema['id']}", json={**doc, "revision": 1})
    assert stale.status_code == 409 and stale.json()["error"]["detail"]["current_revision"] == 2
    with engine.connect() as conn:
        events = list(conn.scalars(select(Event.type).where(Event.type.like("schema.%")).order_by(Event.id)))
    assert events == ["schema.created", "schema.updated"]


def test_a_label_only_history_carries_is_archived_not_deleted(team: Team, app: FastAPI) -> None:
    api, p = team.admin.client, team.project_id
    schema = api.post(_base(team), json=OBJECTS_SCHEMA).json()
    file_id = add_file(app, p)
    ann = api.post(f"/api/v1/projects/{p}/files/{file_id}/annotations", json={
        "schema_id": schema["id"], "type": "box", "label": "car", "geometry": {"x": 1, "y": 1, "w": 2, "h": 2}}).json()
    moved = api.patch(f"/api/v1/projects/{p}/annotations/{ann['id']}", json={"version": 1, "label": "person"})
    assert moved.status_code == 200, moved.text  # the head no longer carries "car"; version 1 still does

    doc = copy.deepcopy(OBJECTS_SCHEMA)
    doc["labels"] = [x for x in doc["labels"] if x["name"] != "car"]
    doc["attributes"] = [a for a in doc["attributes"] if a["name"] != "make"]
    res = api.put(f"{_base(team)}/{schema['id']}", json={**doc, "revision": 1})
    assert res.status_code == 200, res.text
    labels = {x["name"]: x for x in res.json()["labels"]}
    assert labels["car"]["archived"] is True and labels["car"]["id"] == ann["label_id"]
    first = api.get(f"/api/v1/projects/{p}/annotations/{ann['id']}/versions").json()["items"][0]
    assert first["version"] == 1 and first["label_id"] == ann["label_id"]


def test_rename_a_label_by_id_keeps_its_annotations(team: Team, app: FastAPI) -> None:
    api = team.admin.client
    schema = api.post(_base(team), json=OBJECTS_SCHEMA).json()
    doc = {"name": schema["name"], "revision": 1, "labels": [
        {**{k: x[k] for k in ("id", "color", "annotation_types", "keypoint_names")},
         "name": "automobile" if x["name"] == "car" else x["name"]} for x in schema["labels"]],
        "attributes": [{k: a[k] for k in ("name", "kind", "scope", "options", "label_names")}
                       for a in schema["attributes"]]}
    doc["attributes"] = [dict(a, label_names=["automobile" if n == "car" else n for n in a["label_names"]])
                         for a in doc["attributes"]]
    res = api.put(f"{_base(team)}/{schema['id']}", json=doc)
    assert res.status_code == 200, res.text
    renamed = {x["id"]: x["name"] for x in res.json()["labels"]}
    car_id = next(x["id"] for x in schema["labels"] if x["name"] == "car")
    assert renamed[car_id] == "automobile"


def test_schema_in_use_cannot_be_deleted(team: Team, app: FastAPI) -> None:
    api = team.admin.client
    unused = api.post(_base(team), json={"name": "empty"}).json()
    assert api.delete(f"{_base(team)}/{unused['id']}").status_code == 204
    schema = api.post(_base(team), json=OBJECTS_SCHEMA).json()
    file_id = add_file(app, team.project_id)
    api.post(f"/api/v1/projects/{team.project_id}/files/{file_id}/annotations", json={
        "schema_id": schema["id"], "type": "tag", "label": "indoor"})
    assert api.delete(f"{_base(team)}/{schema['id']}").status_code == 409
