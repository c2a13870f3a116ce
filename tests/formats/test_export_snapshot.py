"""An export is a snapshot: edits after ``as_of`` do not change it, and the same snapshot gives the same bytes."""

from __future__ import annotations

import hashlib
import json
import time
from datetime import UTC, datetime, timedelta

from fastapi import FastAPI
from sqlalchemy import Engine

from tests.conftest import Team
from tests.files.filehelpers import events
from tests.formats.formathelpers import Project, box, polygon, run_jobs


def _now() -> str:
    return datetime.now(UTC).isoformat()


def test_edits_after_as_of_do_not_change_the_export(proj: Project, team: Team, engine: Engine) -> None:
    schema = proj.schemas["vision"]
    proj.images([("a.png", 100, 80), ("b.png", 100, 80)])
    proj.annotate("vision", {"a.png": [box(1, 1, 10, 10), box(20, 20, 10, 10)],
                             "b.png": [polygon([[0, 0], [9, 0], [5, 5]], "pedestrian")]})
    time.sleep(0.01)
    as_of = _now()
    time.sleep(0.01)
    before = {f: proj.export(format=f, schema_id=schema, as_of=as_of) for f in ("coco", "yolo", "voc", "jsonl")}

    first, second = proj.annotations("a.png")
    assert proj.client.patch(f"{proj.base}/annotations/{first['id']}",
                             json={"version": 1, "geometry": {"x": 50, "y": 50, "w": 5, "h": 5}}).status_code == 200
    assert proj.client.delete(f"{proj.base}/annotations/{second['id']}", params={"version": 1}).status_code == 204
    proj.annotate("vision", {"b.png": [box(3, 3, 3, 3, "person")]})
    proj.images([("c.png", 100, 80)])
    assert proj.client.delete(f"{proj.base}/files/{proj.files['b.png']}").status_code == 204

    for fmt, job in before.items():
        again = proj.export(format=fmt, schema_id=schema, as_of=as_of)
        assert again["sha256"] == job["sha256"], fmt
        assert proj.download(again) == proj.download(job)
        assert again["progress"] == {"done": 2, "total": 2}
    now = json.loads(proj.export_bytes(format="coco", schema_id=schema))
    assert [a["bbox"] for a in now["annotations"]] == [[50, 50, 5, 5]]  # b.png is gone now; c.png has none
    assert [i["file_name"] for i in now["images"]] == ["a.png", "c.png"]
    old = json.loads(proj.download(before["coco"]))
    assert sorted(a["bbox"] for a in old["annotations"]) == [[0, 0, 9, 5], [1, 1, 10, 10], [20, 20, 10, 10]]
    assert old["info"]["groundwork"]["as_of"] == datetime.fromisoformat(as_of).isoformat()
    assert hashlib.sha256(proj.download(before["coco"])).hexdigest() == before["coco"]["sha256"]


def test_as_of_in_the_future_or_without_zone_is_refused(proj: Project) -> None:
    schema = proj.schemas["vision"]
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    res = proj.client.post(f"{proj.base}/exports", json={"format": "coco", "schema_id": schema, "as_of": future})
    assert res.status_code == 422 and res.json()["error"]["fields"][0]["field"] == "body.as_of"
    res = proj.client.post(f"{proj.base}/exports", json={"format": "coco", "schema_id": schema,
                                                         "as_of": "2026-01-01T00:00:00"})
    assert res.status_code == 422 and res.json()["error"]["fields"][0]["field"] == "body.as_of"


def test_query_and_dataset_choose_the_files(proj: Project, app: FastAPI, engine: Engine) -> None:
    schema = proj.schemas["vision"]
    proj.images([("a.png", 100, 80), ("b.png", 100, 80), ("c.png", 100, 80)])
    proj.annotate("vision", {"a.png": [box(1, 1, 5, 5)] * 4 + [box(1, 1, 5, 5, "pedestrian")],
                             "b.png": [box(1, 1, 5, 5)] * 4, "c.png": [box(1, 1, 5, 5, "pedestrian")]})
    out = json.loads(proj.export_bytes(format="coco", schema_id=schema,
                                       query="labels.car > 3 and labels.pedestrian >= 1"))
    assert [i["file_name"] for i in out["images"]] == ["a.png"] and len(out["annotations"]) == 5
    ds = proj.client.post(f"{proj.base}/datasets", json={"name": "val"}).json()
    proj.client.post(f"{proj.base}/datasets/{ds['id']}/files", json={"file_ids": [proj.files["b.png"],
                                                                                 proj.files["c.png"]]})
    job = proj.export(format="coco", schema_id=schema, dataset_id=ds["id"], query="labels.car >= 1")
    assert [i["file_name"] for i in json.loads(proj.download(job))["images"]] == ["b.png"]
    assert job["dataset_name"] == "val" and job["stats"] == {"files": 1, "annotations": 4, "skipped": {}}
    (completed,) = [e for e in events(engine, "export.completed") if e["export_id"] == job["id"]]
    assert completed["files"] == 1 and completed["sha256"] == job["sha256"] and completed["format"] == "coco"
    listed = proj.client.get(f"{proj.base}/exports").json()["items"]
    assert [j["id"] for j in listed] == [job["id"], job["id"] - 1]
    assert run_jobs(app) == 0
