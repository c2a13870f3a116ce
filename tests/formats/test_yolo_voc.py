"""YOLO (detect, segment) and Pascal VOC output, read back by parsing it; YOLO import."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile

import yaml

from tests.formats.formathelpers import Project, box, polygon, unzip

KEYPOINTS = {"type": "keypoints", "label": "person",
             "geometry": {"points": [{"x": 1, "y": 1}, {"x": 2, "y": 2}, {"x": 3, "y": 3}]}}


def _scene(proj: Project) -> None:
    proj.images([("street.png", 200, 100), ("street.jpg", 100, 50), ("park.png", 160, 120)])
    proj.texts({"notes.txt": "not an image"})
    proj.annotate("vision", {
        "street.png": [box(10, 20, 30, 40), box(0, 0, 200, 100, "pedestrian", attributes={"occluded": False}),
                       polygon([[10, 10], [50, 10], [30, 60]], "pedestrian"), KEYPOINTS],
        "street.jpg": [box(50, 25, 50, 25, attributes={"occluded": True, "make": "fiat"})],
    })


def _labels(entries: dict[str, bytes], name: str) -> list[list[float]]:
    return [[float(v) for v in line.split()] for line in entries[name].decode().splitlines()]


def test_yolo_detection_reads_back(proj: Project) -> None:
    _scene(proj)
    job = proj.export(format="yolo", schema_id=proj.schemas["vision"])
    entries = unzip(proj.download(job))
    data = yaml.safe_load(entries["data.yaml"])
    assert data["names"] == {0: "car", 1: "person", 2: "pedestrian", 3: "indoor"} and data["nc"] == 4
    assert entries["classes.txt"].decode().split() == ["car", "person", "pedestrian", "indoor"]
    # street.jpg shares the stem "street": its label file gets the file id
    jpg = f"labels/street-{proj.files['street.jpg']}.txt"
    assert sorted(entries) == sorted(["data.yaml", "classes.txt", "labels/street.txt", jpg, "labels/park.txt"])
    # centre x, centre y, width, height over the image size (annotations come in annotation-id order)
    assert sorted(_labels(entries, "labels/street.txt")) == [[0, (10 + 15) / 200, (20 + 20) / 100, 30 / 200, 40 / 100],
                                                             [2, 0.5, 0.5, 1.0, 1.0]]
    assert _labels(entries, jpg) == [[0, 0.75, 0.75, 0.5, 0.5]]
    assert entries["labels/park.txt"] == b""  # a background image
    assert job["stats"]["skipped"] == {"keypoints": 1, "non-image files": 1, "polygon": 1}


def test_yolo_segmentation_reads_back(proj: Project) -> None:
    _scene(proj)
    entries = unzip(proj.export_bytes(format="yolo_seg", schema_id=proj.schemas["vision"]))
    rows = sorted(_labels(entries, "labels/street.txt"))
    assert [0, 0.05, 0.2, 0.2, 0.2, 0.2, 0.6, 0.05, 0.6] in rows  # the car box as its four corners
    assert [2, 0.05, 0.1, 0.25, 0.1, 0.15, 0.6] in rows  # the polygon


def test_voc_xml_parses(proj: Project) -> None:
    _scene(proj)
    entries = unzip(proj.export_bytes(format="voc", schema_id=proj.schemas["vision"]))
    root = ET.fromstring(entries[f"Annotations/street-{proj.files['street.jpg']}.xml"])
    assert root.findtext("filename") == f"street-{proj.files['street.jpg']}.jpg"
    assert (root.findtext("size/width"), root.findtext("size/height")) == ("100", "50")
    (obj,) = root.findall("object")
    assert obj.findtext("name") == "car" and obj.findtext("occluded") == "1"
    assert [obj.findtext(f"bndbox/{k}") for k in ("xmin", "ymin", "xmax", "ymax")] == ["50", "25", "100", "50"]
    assert obj.findtext("attributes/attribute/name") == "make" and obj.findtext("attributes/attribute/value") == "fiat"
    street = ET.fromstring(entries["Annotations/street.xml"])
    assert sorted(o.findtext("name") or "" for o in street.findall("object")) == ["car", "pedestrian"]
    assert entries["ImageSets/Main/default.txt"].decode().split() == [
        "street", f"street-{proj.files['street.jpg']}", "park"]
    assert entries["labelmap.txt"].decode().splitlines()[1] == "car:31,119,180::"


def _zip(files: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    return out.getvalue()


def test_yolo_import_matches_label_files_by_stem(proj: Project) -> None:
    proj.images([("street.png", 200, 100), ("park.png", 160, 120)])
    upload = _zip({"data.yaml": "names: [car, person, truck]\n",
                   "labels/train/street.txt": "0 0.125 0.4 0.15 0.4\n0 0.5 0.5 0.2 0.2 0.8\n\n",
                   "labels/train/park.txt": "2 0.5 0.5 0.1 0.1\n0 0.1 0.1 0.3 0.1 0.2 0.3\n9 0.5 0.5 0.1 0.1\n0 0.5\n",
                   "labels/train/missing.txt": "0 0.5 0.5 0.1 0.1\n"})
    job = proj.run_import(upload, "yolo.zip", "yolo", "vision")
    assert job["status"] == "succeeded", job
    assert job["counts"]["annotations"] == 3 and job["counts"]["rejected"] == 4
    street = sorted((a["geometry"]["x"], a["geometry"]["y"], a["geometry"]["w"], a["geometry"]["h"], a["score"])
                    for a in proj.annotations("street.png"))
    assert street == [(10.0, 20.0, 30.0, 40.0, None), (80.0, 40.0, 40.0, 20.0, 0.8)]
    (poly,) = proj.annotations("park.png")
    assert poly["type"] == "polygon" and poly["geometry"]["points"] == [[16.0, 12.0], [48.0, 12.0], [32.0, 36.0]]
    reasons = {r["row"]: r["reason"] for r in proj.rejections(job["id"])}
    assert reasons == {
        "labels/train/missing.txt:1": "no file whose name without extension is 'missing' in the project",
        "labels/train/park.txt:1": "class 'truck' is not a label of the schema",
        "labels/train/park.txt:3": "class 9 is not among the 3 class names",
        "labels/train/park.txt:4": "1 numbers after the class: expected 4 (box), 5 (box and confidence) or an "
                                   "even number of at least 6 (polygon)",
    }
