"""A batch's annotations as of its snapshot: PostgreSQL builds their JSON itself, SQLite's rows are built in
Python; both must say the same thing (versions as of the snapshot, labels as the snapshot names them,
deleted ones left out, model fields and attributes kept)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI
from sqlalchemy import Engine

from backend.core.db import make_session_factory
from backend.streaming import repository, service
from tests.conftest import Team
from tests.formats.formathelpers import box, polygon, project_of


def _python_built(session: Any, file_ids: list[int], snap: Any) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {fid: [] for fid in file_ids}
    for v in repository.annotations_as_of(session, file_ids, snap.as_of):
        out[v.file_id].append(json.loads(service._annotation(v, snap.labels)))
    return out


def test_annotations_as_of_the_snapshot_whoever_builds_the_json(team: Team, app: FastAPI, engine: Engine,
                                                                 is_postgres: bool) -> None:
    proj = project_of(team, app)
    proj.images([("a.png", 100, 80), ("b.png", 100, 80), ("c.png", 100, 80)])
    proj.annotate("vision", {
        "a.png": [box(1, 1, 10, 10, attributes={"occluded": True, "make": "vw"}), box(20, 20, 5, 5, "pedestrian"),
                  {"type": "tag", "label": "indoor", "source": "model", "model_name": "zs", "model_version": "7",
                   "score": 0.625}],
        "b.png": [polygon([[0, 0], [9, 0], [5, 5]]), box(2, 2, 3, 3)]})
    b_polygon, b_box = sorted(proj.annotations("b.png"), key=lambda x: x["type"] != "polygon")
    edit = proj.client.patch(f"{proj.base}/annotations/{b_polygon['id']}",
                             json={"version": 1, "geometry": {"points": [[1, 1], [8, 1], [4, 6]]}})
    assert edit.status_code == 200, edit.text
    assert proj.client.delete(f"{proj.base}/annotations/{b_box['id']}", params={"version": 1}).status_code == 204
    snap_id = proj.client.post(f"{proj.base}/snapshots", json={}).json()["id"]
    # after the snapshot: none of this may show
    a_first = proj.annotations("a.png")[0]
    assert proj.client.delete(f"{proj.base}/annotations/{a_first['id']}",
                              params={"version": a_first["version"]}).status_code == 204
    proj.annotate("vision", {"c.png": [box(5, 5, 5, 5)]})

    file_ids = [proj.files[n] for n in ("a.png", "b.png", "c.png")]
    with make_session_factory(engine)() as session:
        snap = repository.get(session, proj.id, snap_id)
        assert snap is not None
        expected = _python_built(session, file_ids, snap)
        if is_postgres:
            built = repository.annotation_json_as_of(session, file_ids, snap.as_of, snap.labels)
            assert {fid: json.loads(f"[{built.get(fid, '')}]") for fid in file_ids} == expected

    a, b, c = (sorted(expected[fid], key=lambda x: (x["type"], x["label"])) for fid in file_ids)
    assert [(x["type"], x["label"]) for x in a] == [("box", "car"), ("box", "pedestrian"), ("tag", "indoor")]
    assert a[0]["attributes"] == {"occluded": True, "make": "vw"} and a[1]["attributes"] == {}
    assert (a[2]["source"], a[2]["model_name"], a[2]["model_version"], a[2]["score"]) == ("model", "zs", "7", 0.625)
    assert [(x["type"], x["version"], x["geometry"]["points"]) for x in b] == [("polygon", 2, [[1, 1], [8, 1], [4, 6]])]
    assert c == []

    # and through the endpoint, as a client receives it
    res = proj.client.get(f"{proj.base}/snapshots/{snap_id}/items", params={"positions": "0-2", "media": "false"})
    assert res.status_code == 200, res.text
    from groundwork.streaming._wire import parse_batch

    served = {item.record["file_id"]: item.record["annotations"] for item in parse_batch(res.content)}
    assert served == expected
