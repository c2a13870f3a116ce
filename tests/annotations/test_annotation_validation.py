"""Bad annotations get a 4xx that names the field, and write nothing."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine

from tests.annotations.test_annotation_versions import count_rows
from tests.conftest import Team
from tests.factories import OBJECTS_SCHEMA, add_file

BOX = {"type": "box", "label": "car", "geometry": {"x": 10, "y": 10, "w": 20, "h": 20}}


@pytest.fixture
def ctx(team: Team, app: FastAPI) -> dict[str, Any]:
    p = team.project_id
    schema = team.admin.client.post(f"/api/v1/projects/{p}/schemas", json=OBJECTS_SCHEMA).json()
    return {"base": f"/api/v1/projects/{p}", "schema_id": schema["id"],
            "image": add_file(app, p, width=100, height=80),
            "text": add_file(app, p, kind="text", text_length=30)}


CASES = [
    ("box outside the image", "image", {**BOX, "geometry": {"x": 90, "y": 10, "w": 20, "h": 20}}, "body.geometry.w"),
    ("negative corner", "image", {**BOX, "geometry": {"x": -1, "y": 10, "w": 5, "h": 5}}, "body.geometry.x"),
    ("zero-width box", "image", {**BOX, "geometry": {"x": 1, "y": 1, "w": 0, "h": 5}}, "geometry.w"),
    ("label not in schema", "image", {**BOX, "label": "bicycle"}, "body.label"),
    ("type the label does not allow", "image", {**BOX, "type": "polygon", "label": "person",
                                                "geometry": {"points": [[1, 1], [5, 1], [5, 5]]}}, "body.type"),
    ("span on an image", "image", {"type": "span", "label": "topic", "geometry": {"start": 0, "end": 3}},
     "body.type"),
    ("span past the text", "text", {"type": "span", "label": "topic", "geometry": {"start": 10, "end": 31}},
     "body.geometry.end"),
    ("box on a text", "text", BOX, "body.type"),
    ("polygon with 2 points", "image", {**BOX, "type": "polygon", "geometry": {"points": [[1, 1], [2, 2]]}},
     "geometry.points"),
    ("wrong keypoint count", "image", {"type": "keypoints", "label": "person",
                                       "geometry": {"points": [{"x": 1, "y": 1}]}}, "body.geometry.points"),
    ("unknown attribute", "image", {**BOX, "attributes": {"colour": "red"}}, "body.attributes.colour"),
    ("select value not an option", "image", {**BOX, "attributes": {"make": "tesla"}}, "body.attributes.make"),
    ("number out of range", "image", {**BOX, "attributes": {"speed": 500}}, "body.attributes.speed"),
    ("attribute of another label", "image", {**BOX, "label": "person", "attributes": {"make": "vw"}},
     "body.attributes.make"),
    ("file attribute on an instance", "image", {**BOX, "attributes": {"weather": "sunny"}},
     "body.attributes.weather"),
    ("unknown field", "image", {**BOX, "colour": "red"}, "colour"),
    ("model source without a model name", "image", {**BOX, "source": "model"}, "body"),
    ("score above 1", "image", {**BOX, "score": 1.5}, "score"),
    ("unknown type", "image", {**BOX, "type": "circle"}, "body"),
]


@pytest.mark.parametrize(("case", "file", "body", "field"), CASES, ids=[c[0] for c in CASES])
def test_bad_annotation_is_refused_and_nothing_written(ctx: dict[str, Any], team: Team, engine: Engine, case: str,
                                                       file: str, body: dict[str, Any], field: str) -> None:
    res = team.editor.client.post(f"{ctx['base']}/files/{ctx[file]}/annotations",
                                  json={"schema_id": ctx["schema_id"], **body})
    assert res.status_code == 422, res.text
    err = res.json()["error"]
    assert any(f["field"].startswith(field) or field in f["field"] for f in err["fields"]), err
    assert count_rows(engine) == (0, 0)


def test_malformed_json_is_refused(ctx: dict[str, Any], team: Team, engine: Engine) -> None:
    res = team.editor.client.post(f"{ctx['base']}/files/{ctx['image']}/annotations", content=b'{"type": "box",',
                                  headers={"content-type": "application/json"})
    assert res.status_code == 422
    assert res.json()["error"]["fields"][0]["field"].startswith("body")
    assert count_rows(engine) == (0, 0)


def test_schema_of_another_project_is_refused(ctx: dict[str, Any], team: Team, engine: Engine) -> None:
    other = team.outsider.client.get("/api/v1/projects").json()["items"][0]["id"]
    foreign = team.outsider.client.post(f"/api/v1/projects/{other}/schemas", json=OBJECTS_SCHEMA).json()
    res = team.editor.client.post(f"{ctx['base']}/files/{ctx['image']}/annotations",
                                  json={"schema_id": foreign["id"], **BOX})
    assert res.status_code == 422 and res.json()["error"]["fields"][0]["field"] == "body.schema_id"
    assert count_rows(engine) == (0, 0)


def test_tags_classify_files_with_file_level_attributes(ctx: dict[str, Any], team: Team) -> None:
    res = team.editor.client.post(f"{ctx['base']}/files/{ctx['image']}/annotations", json={
        "schema_id": ctx["schema_id"], "type": "tag", "label": "indoor", "attributes": {"weather": "rainy"}})
    assert res.status_code == 201, res.text
    assert res.json()["geometry"] is None and res.json()["attributes"] == {"weather": "rainy"}
    span = team.editor.client.post(f"{ctx['base']}/files/{ctx['text']}/annotations", json={
        "schema_id": ctx["schema_id"], "type": "span", "label": "topic", "geometry": {"start": 0, "end": 30}})
    assert span.status_code == 201, span.text
