"""Per-file label counts stay equal to a recount through every kind of annotation write."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI
from sqlalchemy import delete, insert

from backend.core.db import make_session_factory, transaction
from backend.query import counts
from backend.query.models import FileLabelCount
from tests.conftest import Team
from tests.query.world import World, box, tag

LABELS = ["car", "pedestrian", "traffic light"]


def _in_session(app: FastAPI, fn: Callable[..., Any], *args: Any) -> Any:
    with transaction(make_session_factory(app.state.engine)) as s:
        return fn(s, *args)


def _expected(world: World) -> dict[tuple[int, int, str], int]:
    """The counts the Python mirror implies, keyed like the table (label ids resolved by name)."""
    ids = _label_ids(world)
    out: dict[tuple[int, int, str], int] = {}
    for f in world.files.values():
        for a in f.anns.values():
            if a.label is None:
                continue
            label_id = ids[(a.schema, a.label)]
            for source in (a.source, "*"):
                out[(f.id, label_id, source)] = out.get((f.id, label_id, source), 0) + 1
    return out


def _label_ids(world: World) -> dict[tuple[str, str], int]:
    ids = {}
    for schema, schema_id in world.schemas.items():
        doc = world.admin.client.get(f"{world.base}/schemas/{schema_id}").json()
        ids.update({(schema, label["name"]): label["id"] for label in doc["labels"]})
    return ids


def _random_annotation(rng: random.Random) -> dict[str, Any]:
    if rng.random() < 0.15:
        return tag(weather=rng.choice(["sunny", "rainy"]))  # unlabelled: counts nothing
    label = rng.choice(LABELS)
    if rng.random() < 0.5:
        return box(label, source="model", score=round(rng.random(), 2), model=rng.choice(["a", "b"]))
    return box(label)


def test_counts_equal_a_recount_after_random_writes(bare_world: World, app: FastAPI) -> None:
    world = bare_world
    rng = random.Random(20261121)
    names = [world.add_file(f"f{i}.jpg", created=datetime(2026, 1, 1, tzinfo=UTC)).name for i in range(6)]
    history: list[str] = []
    for step in range(60):
        file = rng.choice(names)
        live = list(world.files[file].anns)
        op = rng.choice(["create", "bulk", "replace", "relabel", "delete", "scenes"])
        if op == "create":
            world.create(file, _random_annotation(rng))
        elif op == "bulk":
            world.bulk(file, [_random_annotation(rng) for _ in range(rng.randint(1, 6))])
        elif op == "replace":
            source = rng.choice(["human", "model"])
            anns = [a for a in (_random_annotation(rng) for _ in range(8))
                    if a.get("source", "human") == source][:3] or [box("car", source=source, score=0.5)]
            world.bulk(file, anns, mode="replace", scope=rng.choice(["all", "source", "model"]))
        elif op == "relabel" and live:
            aid = rng.choice(live)
            if world.files[file].anns[aid].label in LABELS and world.files[file].anns[aid].schema == "objects":
                world.relabel(file, aid, rng.choice(LABELS))
        elif op == "delete" and live:
            world.delete_annotation(file, rng.choice(live))
        elif op == "scenes":
            world.bulk(file, [tag("car")], schema="scenes")
        history.append(op)
        if step % 10 == 9:
            stored = _in_session(app, counts.stored, world.project_id)
            assert stored == _in_session(app, counts.recount, world.project_id), history
            assert stored == _expected(world), history
    assert {"create", "bulk", "replace", "relabel", "delete"} <= set(history)
    assert sum(_expected(world).values()) > 20


def test_backfill_repairs_a_damaged_table(world: World, app: FastAPI, team: Team) -> None:
    maintained = _in_session(app, counts.stored, world.project_id)
    assert maintained == _expected(world) and maintained

    car = _label_ids(world)[("objects", "car")]

    def damage(s: Any) -> None:
        s.execute(delete(FileLabelCount))
        f = world.files["img-001.jpg"].id
        s.execute(insert(FileLabelCount), [{"file_id": f, "label_id": car, "source": "*", "count": 99}])

    _in_session(app, damage)
    bad = team.viewer.client.get(f"{world.base}/files/count", params={"q": "labels.car > 50"}).json()["count"]
    assert bad == 1
    _in_session(app, counts.backfill, world.project_id)
    assert _in_session(app, counts.stored, world.project_id) == maintained
    assert team.viewer.client.get(f"{world.base}/files/count", params={"q": "labels.car > 50"}).json()["count"] == 0


def test_a_refused_write_changes_no_count(world: World, app: FastAPI) -> None:
    before = _in_session(app, counts.stored, world.project_id)
    f = world.files["img-001.jpg"]
    res = world.editor.client.post(f"{world.base}/annotations/bulk", json={
        "schema_id": world.schemas["objects"], "mode": "replace", "replace_scope": "all",
        "files": [{"file_id": f.id, "annotations": [box("car"), {**box("car"), "label": "bus"}]}]})
    assert res.status_code == 422
    assert _in_session(app, counts.stored, world.project_id) == before


def test_deltas_skip_unlabelled_rows_and_cancel_out() -> None:
    rows = [{"file_id": 1, "label_id": 5, "source": "model"}, {"file_id": 1, "label_id": None, "source": "human"}]
    assert counts.deltas(added=rows) == {(1, 5, "model"): 1, (1, 5, "*"): 1}
    assert counts.deltas(added=rows, removed=rows) == {}
