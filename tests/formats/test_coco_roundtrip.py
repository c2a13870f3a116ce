"""COCO: import → export gives the same annotations; the export loads in pycocotools and COCOeval runs."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

from tests.formats.formathelpers import Project, dumps

COCO_IN: dict[str, Any] = {
    "info": {"description": "from another tool"},
    "images": [{"id": 7, "file_name": "street.png", "width": 200, "height": 100},
               {"id": 8, "file_name": "some/folder/park.png", "width": 160, "height": 120},
               {"id": 9, "file_name": "empty.png", "width": 64, "height": 48}],
    "categories": [{"id": 1, "name": "car"}, {"id": 2, "name": "person",
                                                "keypoints": ["head", "left_hand", "right_hand"]},
                   {"id": 3, "name": "pedestrian"}],
    "annotations": [
        {"id": 100, "image_id": 7, "category_id": 1, "bbox": [10, 20, 30, 15.5], "area": 465, "iscrowd": 0,
         "segmentation": [], "attributes": {"occluded": True, "make": "vw"}},
        {"id": 101, "image_id": 7, "category_id": 1, "bbox": [50, 10, 40, 40], "area": 1600, "iscrowd": 0,
         "segmentation": [[50, 10, 90, 10, 90, 50]]},
        # keypoints keep no box of their own: COCO's bbox is their visible points' extent (docs/formats.md)
        {"id": 102, "image_id": 8, "category_id": 2, "bbox": [8, 6, 2, 14], "area": 28, "iscrowd": 0,
         "segmentation": [], "keypoints": [10, 6, 2, 8, 20, 2, 22, 21, 1], "num_keypoints": 3},
        {"id": 103, "image_id": 8, "category_id": 3, "bbox": [100, 50, 20.25, 60], "area": 1215, "iscrowd": 0,
         "segmentation": []},
        {"id": 104, "image_id": 7, "category_id": 1, "bbox": [0, 0, 200, 100], "area": 20000, "iscrowd": 0,
         "segmentation": []},
    ],
}


def _key(ann: dict[str, Any], images: dict[int, str], cats: dict[int, str]) -> tuple[Any, ...]:
    """What an annotation means, without any id."""
    return (images[ann["image_id"]].rsplit("/", 1)[-1], cats[ann["category_id"]], tuple(ann["bbox"]),
            json.dumps(ann.get("segmentation") or []), tuple(ann.get("keypoints") or ()),
            json.dumps(ann.get("attributes") or {}, sort_keys=True), ann.get("score"))


def _meaning(doc: dict[str, Any]) -> list[tuple[Any, ...]]:
    images = {i["id"]: i["file_name"] for i in doc["images"]}
    cats = {c["id"]: c["name"] for c in doc["categories"]}
    return sorted(_key(a, images, cats) for a in doc["annotations"])


def test_coco_round_trip_and_pycocotools(proj: Project, tmp_path: Path) -> None:
    proj.images([("street.png", 200, 100), ("park.png", 160, 120), ("empty.png", 64, 48)])
    job = proj.run_import(dumps(COCO_IN), "instances.json", "coco", "vision")
    assert job["status"] == "succeeded", job
    assert job["counts"]["annotations"] == 5 and job["counts"]["rejected"] == 0
    assert job["progress"] == {"done": 5, "total": 5}
    kinds = sorted(a["type"] for name in ("street.png", "park.png") for a in proj.annotations(name))
    assert kinds == ["box", "box", "box", "keypoints", "polygon"]

    out = json.loads(proj.export_bytes(format="coco", schema_id=proj.schemas["vision"]))
    assert _meaning(out) == _meaning(COCO_IN)
    assert {i["file_name"] for i in out["images"]} == {"street.png", "park.png", "empty.png"}
    assert [c["name"] for c in out["categories"]] == ["car", "person", "pedestrian", "indoor"]

    gt_path = tmp_path / "gt.json"
    gt_path.write_text(json.dumps(out))
    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO(str(gt_path))
        assert len(gt.getAnnIds()) == 5 and len(gt.getImgIds()) == 3
        # The ground truth as detections with full confidence: evaluation runs and finds them all.
        detections = [{"image_id": a["image_id"], "category_id": a["category_id"], "bbox": a["bbox"], "score": 1.0}
                      for a in out["annotations"]]
        evaluation = COCOeval(gt, gt.loadRes(detections), "bbox")
        evaluation.evaluate()
        evaluation.accumulate()
        evaluation.summarize()
    assert evaluation.stats[0] > 0.99  # AP@[.5:.95]


def test_pre_labels_arrive_as_model_annotations(proj: Project) -> None:
    proj.images([("street.png", 200, 100), ("park.png", 160, 120)])
    doc = {**COCO_IN, "annotations": [dict(a, score=0.25) if a["id"] == 103 else a for a in COCO_IN["annotations"]]}
    job = proj.run_import(dumps(doc), "pred.json", "coco", "vision", as_model=True, model_name="detector",
                          model_version="v2", default_score=0.9)
    assert job["status"] == "succeeded" and job["counts"]["annotations"] == 5
    anns = proj.annotations("street.png") + proj.annotations("park.png")
    assert {(a["source"], a["model_name"], a["model_version"]) for a in anns} == {("model", "detector", "v2")}
    assert sorted(a["score"] for a in anns) == [0.25, 0.9, 0.9, 0.9, 0.9]
    count = proj.client.get(f"{proj.base}/files/count", params={"q": "labels.car.model >= 2"}).json()
    assert count == {"count": 1}
    out = json.loads(proj.export_bytes(format="coco", schema_id=proj.schemas["vision"]))
    assert sorted(a["score"] for a in out["annotations"]) == [0.25, 0.9, 0.9, 0.9, 0.9]


def test_include_media_puts_images_beside_the_json(proj: Project) -> None:
    from tests.formats.formathelpers import box, unzip

    proj.images([("a.png", 40, 30), ("b.png", 40, 30)])
    proj.annotate("vision", {"a.png": [box(1, 2, 3, 4)]})
    job = proj.export(format="coco", schema_id=proj.schemas["vision"], include_media=True)
    assert job["file_name"].endswith(".zip") and job["content_type"] == "application/zip"
    entries = unzip(proj.download(job))
    assert sorted(entries) == ["annotations.json", "images/a.png", "images/b.png"]
    original = proj.client.get(f"{proj.base}/files/{proj.files['a.png']}/content").content
    assert entries["images/a.png"] == original
    assert json.loads(entries["annotations.json"])["annotations"][0]["bbox"] == [1, 2, 3, 4]


def test_the_fast_box_path_writes_what_json_would() -> None:
    from backend.exports.formats.base import AnnotationItem
    from backend.exports.formats.coco import _DUMP, coco_annotation, plain_box

    for g in ({"x": 1, "y": 2.5, "w": 3.25, "h": 4}, {"x": 0.1, "y": 1e-7, "w": 1e20, "h": 7.0}):
        a = AnnotationItem("id", 1, 1, 5, "car", "box", g, {}, "human", None, None, None)
        assert plain_box(a, 9, 3) == _DUMP(coco_annotation(a, 9, 3))
