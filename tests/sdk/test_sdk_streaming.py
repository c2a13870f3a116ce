"""Streaming from a live server: iterate, index, slice; snapshots stay fixed; only what the token may read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import groundwork
import numpy as np
import pytest

from tests.conftest import Actor
from tests.sdk.conftest import World


def test_iterate_index_and_slice(world: World) -> None:
    ds = world.project.dataset("train", fetch_size=5)
    assert len(ds) == 12
    items = list(ds)
    assert [i["file_id"] for i in items] == sorted(world.file_ids)
    first = items[0]
    assert first["kind"] == "image" and first["image"].shape == (32, 48, 3) and first["image"].dtype == np.uint8
    expected_boxes = world.file_ids.index(first["file_id"]) % 3 + 1
    assert first["boxes"]["xyxy"].shape == (expected_boxes, 4)
    assert first["boxes"]["labels"] == ["car"] * expected_boxes
    assert first["boxes"]["label_ids"].tolist() == [world.car] * expected_boxes
    assert sorted(first["boxes"]["xyxy"].tolist())[0] == [1.0, 2.0, 11.0, 7.0]  # x, y, w, h -> x1, y1, x2, y2
    assert ds[3]["file_id"] == items[3]["file_id"] and ds[-1]["file_id"] == items[-1]["file_id"]
    with pytest.raises(IndexError):
        ds[12]

    three = ds.slice("labels.car >= 3")  # images 2, 5, 8, 11 have three cars
    assert len(three) == 4 and three.snapshot.parent_id == ds.snapshot_id
    assert [i["file_id"] for i in three] == sorted(world.file_ids[k] for k in (2, 5, 8, 11))
    by_query = world.project.files(query="labels.car = 1")
    assert sorted(i["file_id"] for i in by_query) == sorted(world.file_ids[k] for k in (0, 3, 6, 9))
    assert ds.labels[world.car] == "car" and ds.label_index() == {world.car: 0, world.person: 1}


def test_snapshot_stays_fixed_while_annotations_change(world: World) -> None:
    ds = world.project.dataset("train")
    before = {i["file_id"]: i["boxes"]["xyxy"].tolist() for i in ds}
    target = world.file_ids[0]
    ann = next(iter(world.project.annotations.list(target)))
    world.project.annotations.update(ann.id, ann.version, geometry={"x": 20, "y": 20, "w": 3, "h": 3})
    world.project.annotations.create(target, "box", label="person", schema_id=world.schema_id,
                                     geometry={"x": 0, "y": 0, "w": 4, "h": 4})
    world.project.annotations.delete(next(iter(world.project.annotations.list(world.file_ids[1]))).id, 1)
    again = world.project.snapshot(ds.snapshot_id, memory_cache_bytes=0)  # a fresh reader, no cache
    assert {i["file_id"]: i["boxes"]["xyxy"].tolist() for i in again} == before
    now = world.project.dataset("train")
    assert now.snapshot_id != ds.snapshot_id
    changed = {i["file_id"]: i["boxes"]["xyxy"].tolist() for i in now}
    assert changed[target][0] == [20.0, 20.0, 23.0, 23.0] and len(changed[target]) == len(before[target]) + 1
    assert len(changed[world.file_ids[1]]) == len(before[world.file_ids[1]]) - 1


def test_a_new_snapshot_is_never_served_an_old_ones_annotations(world: World) -> None:
    # The server keeps each file's annotations as of a snapshot in memory. Delete the newest snapshot and
    # take another: SQLite may give it the same id, yet it must see the annotations as they are now.
    first = world.project.dataset("train", memory_cache_bytes=0)
    before = {i["file_id"]: len(i["boxes"]["xyxy"]) for i in first}  # read once: the server keeps them
    world.project.snapshots.delete(first.snapshot_id)
    target = world.file_ids[2]
    world.project.annotations.create(target, "box", label="person", schema_id=world.schema_id,
                                     geometry={"x": 0, "y": 0, "w": 4, "h": 4})
    second = world.project.dataset("train", memory_cache_bytes=0)
    after = {i["file_id"]: len(i["boxes"]["xyxy"]) for i in second}
    assert after == {**before, target: before[target] + 1}


def test_streaming_returns_only_what_the_token_may_read(world: World, gw_server: str,
                                                        make_user: Callable[..., Actor]) -> None:
    annotator = make_user("ann@example.com")
    world.project.members.add("ann@example.com", "annotator")
    mine = world.file_ids[4:6]
    me = groundwork.Client(gw_server, annotator.token).project(world.project.id)
    world.project.tasks.create(mine, world.schema_id, assignee_id=annotator.user.id)
    with pytest.raises(groundwork.NotFoundError):  # annotators see no datasets
        me.dataset("train")
    own = me.files()
    assert sorted(i["file_id"] for i in own) == sorted(mine)
    full = world.project.dataset("train")
    with pytest.raises(groundwork.NotFoundError):  # someone else's snapshot
        me.snapshot(full.snapshot_id)
    outsider = groundwork.Client(gw_server, make_user("out@example.com").token)
    with pytest.raises(groundwork.NotFoundError):
        outsider.project(world.project.id).snapshot(full.snapshot_id)


def test_disk_cache_serves_a_second_reader_and_drops_stale_snapshots(world: World, tmp_path: Path) -> None:
    ds = world.project.dataset("train", disk_cache=tmp_path)
    first = [i["image"].sum() for i in ds]
    cached = sorted(p.name for p in (tmp_path / "snapshots").rglob("*.json"))
    assert len(cached) == 13  # 12 items + the snapshot's identity
    assert len(list((tmp_path / "media").rglob("*"))) >= 12
    # a second reader of the same snapshot reads only the cache: any request of its would fail (401)
    reader = world.project.snapshot(ds.snapshot_id, disk_cache=tmp_path)
    reader._conn = replace(reader._conn, token="not-a-token")
    assert [i["image"].sum() for i in reader] == first
    identity = next((tmp_path / "snapshots").rglob("snapshot.json"))
    identity.write_text('{"id": 0}')  # as if the server's database had been reset since
    stale = world.project.snapshot(ds.snapshot_id, disk_cache=tmp_path)
    stale._state()
    assert not any(p.name.endswith(".json") and p.name != "snapshot.json" for p in identity.parent.iterdir())


def test_tensorflow_dataset_yields_tensors(world: World) -> None:
    tf = pytest.importorskip("tensorflow")
    tfds = world.project.dataset("train").to_tensorflow()
    batch = next(iter(tfds.ragged_batch(4)))
    assert isinstance(batch["image"], tf.RaggedTensor | tf.Tensor)
    assert isinstance(batch["boxes"], tf.RaggedTensor)
    assert batch["boxes"].shape[0] == 4 and batch["boxes"].shape[-1] == 4
    counts = batch["boxes"].row_lengths().numpy().tolist()
    assert counts == [world.file_ids.index(f) % 3 + 1 for f in sorted(world.file_ids)[:4]]
    assert batch["file_id"].dtype == tf.int64 and batch["box_label_ids"].flat_values.dtype == tf.int64
    one = next(iter(world.project.dataset("train").to_tensorflow()))
    assert one["image"].shape == (32, 48, 3) and one["image"].dtype == tf.uint8


def test_items_carry_every_shape_texts_and_file_attributes(world: World) -> None:
    project = world.project
    extra = project.schemas.create("more", [
        {"name": "topic", "color": "#0000ff", "annotation_types": ["tag", "span"]}],
        [{"name": "weather", "kind": "select", "scope": "file", "options": ["sun", "rain"]}])
    image = world.file_ids[0]
    project.annotations.create(image, "polygon", label="car", schema_id=world.schema_id,
                               geometry={"points": [[1, 1], [9, 1], [9, 9]]})
    project.annotations.create(image, "keypoints", label="person", schema_id=world.schema_id,
                               geometry={"points": [{"x": 3, "y": 4}, {"x": 5, "y": 6, "visible": False}]})
    project.annotations.create(image, "tag", label="topic", schema_id=extra.id, attributes={"weather": "rain"})
    text = project.files.upload([("note.txt", b"sunny day in town")])[0].file
    project.annotations.create(text.id, "span", label="topic", schema_id=extra.id,
                               geometry={"start": 0, "end": 5})
    ds = project.files()
    items = {i["file_id"]: i for i in ds}
    img = items[image]
    assert img["polygons"]["points"][0].tolist() == [[1, 1], [9, 1], [9, 9]] and img["polygons"]["labels"] == ["car"]
    assert img["keypoints"]["points"][0].tolist() == [[3, 4, 1], [5, 6, 0]]
    assert img["tags"]["labels"] == ["topic"] and img["attributes"] == {"weather": "rain"}
    note = items[text.id]
    assert note["kind"] == "text" and note["text"] == "sunny day in town" and "image" not in note
    assert note["spans"]["ranges"].tolist() == [[0, 5]] and note["spans"]["labels"] == ["topic"]
    assert note["boxes"]["xyxy"].shape == (0, 4)
    raw = ds.with_options(decode=False)[0]
    assert isinstance(raw["image"], bytes) and raw["image"][:3] == b"\xff\xd8\xff"
