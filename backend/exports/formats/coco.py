"""COCO object detection JSON: images, annotations (boxes, polygons, keypoints), categories.

- image ``id`` = the file id; ``file_name`` = the file's name (made unique within the export).
- category ``id`` = the label id (stable from one export to the next); labels with keypoint
  names carry ``keypoints`` (and an empty ``skeleton``).
- box → ``bbox``, ``area`` = w·h, empty ``segmentation``; polygon → ``segmentation`` [[x1, y1, …]]
  with its bounding box and enclosed area; keypoints → ``keypoints`` [x, y, v] with v = 2 visible,
  1 labelled but hidden, ``num_keypoints``, the visible points' bounding box; a point → one
  keypoint with a zero-size box. Model annotations carry ``score``; attributes ``attributes``.
- Not expressible in COCO (counted in the job's ``stats.skipped``): polylines, tags, text spans,
  and files that are not images.

The two big arrays are spooled to temporary files while files stream in, then joined into the
output, so memory stays flat however large the export.
"""

from __future__ import annotations

import json
import shutil
from typing import IO, Any, BinaryIO

from backend.exports.formats.base import (
    AnnotationItem,
    Archive,
    ExportContext,
    FileItem,
    Format,
    UniqueNames,
    bounds,
    number,
    polygon_area,
)

_DUMP = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def _flat(points: list[tuple[float, float]]) -> list[int | float]:
    return [number(v) for p in points for v in p]


def plain_box(a: AnnotationItem, image_id: int, ann_id: int) -> str:
    """A box without score or attributes, formatted directly: the same text ``coco_annotation`` gives, faster."""
    g = a.geometry or {}
    w, h = g["w"], g["h"]
    return (f'{{"id":{ann_id},"image_id":{image_id},"category_id":{a.label_id},"iscrowd":0,'
            f'"bbox":[{number(g["x"])},{number(g["y"])},{number(w)},{number(h)}],"area":{number(w * h)},'
            f'"segmentation":[]}}')


def coco_annotation(a: AnnotationItem, image_id: int, ann_id: int) -> dict[str, Any] | None:
    """The COCO entry for one annotation, or None when COCO has no shape for it."""
    g = a.geometry or {}
    out: dict[str, Any] = {"id": ann_id, "image_id": image_id, "category_id": a.label_id, "iscrowd": 0}
    if a.type == "box":
        out.update(bbox=[number(g["x"]), number(g["y"]), number(g["w"]), number(g["h"])],
                   area=number(g["w"] * g["h"]), segmentation=[])
    elif a.type == "polygon":
        pts = [(p[0], p[1]) for p in g["points"]]
        x, y, w, h = bounds(pts)
        out.update(segmentation=[_flat(pts)], bbox=[number(x), number(y), number(w), number(h)],
                   area=number(polygon_area(pts)))
    elif a.type == "keypoints":
        flat: list[int | float] = []
        seen = []
        for p in g["points"]:
            flat += [number(p["x"]), number(p["y"]), 2 if p.get("visible", True) else 1]
            if p.get("visible", True):
                seen.append((p["x"], p["y"]))
        x, y, w, h = bounds(seen) if seen else (0.0, 0.0, 0.0, 0.0)
        out.update(keypoints=flat, num_keypoints=len(g["points"]), bbox=[number(x), number(y), number(w), number(h)],
                   area=number(w * h), segmentation=[])
    elif a.type == "point":
        out.update(keypoints=[number(g["x"]), number(g["y"]), 2], num_keypoints=1,
                   bbox=[number(g["x"]), number(g["y"]), 0, 0], area=0, segmentation=[])
    else:
        return None
    if a.score is not None:
        out["score"] = a.score
    if a.attributes:
        out["attributes"] = a.attributes
    return out


class Coco(Format):
    name, title = "coco", "COCO JSON (boxes, polygons, keypoints)"
    extension, content_type = "json", "application/json"
    archive_with_media = True

    def __init__(self, ctx: ExportContext, out: BinaryIO) -> None:
        super().__init__(ctx, out)
        self.names = UniqueNames()
        self.archive = Archive(out, ctx.as_of) if ctx.include_media else None
        self.images: IO[bytes] = open(ctx.work_dir / "images.part", "w+b")  # noqa: SIM115 (closed in finish)
        self.entries: IO[bytes] = open(ctx.work_dir / "annotations.part", "w+b")  # noqa: SIM115
        self.n_images = 0

    def add(self, item: FileItem) -> None:
        """Append the image entry and its annotations (and the image bytes, with media)."""
        if item.kind != "image":
            self.skip("non-image files")
            return
        name = self.names(item.name, item.id)
        self.images.write((("," if self.n_images else "") + "\n" + _DUMP(
            {"id": item.id, "file_name": name, "width": item.width, "height": item.height})).encode())
        self.n_images += 1
        self.files += 1
        parts = []
        for a in item.annotations:
            n = self.annotations + 1
            if a.type == "box" and a.score is None and not a.attributes and a.label_id is not None:
                parts.append(plain_box(a, item.id, n))
            else:
                entry = coco_annotation(a, item.id, n)
                if entry is None:
                    self.skip(a.type)
                    continue
                parts.append(_DUMP(entry))
            self.annotations = n
        if parts:
            lead = ",\n" if self.annotations > len(parts) else "\n"
            self.entries.write((lead + ",\n".join(parts)).encode())
        if self.archive is not None:
            with self.archive.open(f"images/{name}", compress=False) as sink:
                self.ctx.copy_content(item, sink)

    def _categories(self) -> list[dict[str, Any]]:
        cats = []
        for label in self.ctx.labels:
            cat: dict[str, Any] = {"id": label.id, "name": label.name, "supercategory": ""}
            if label.keypoint_names:
                cat.update(keypoints=list(label.keypoint_names), skeleton=[])
            elif "point" in label.annotation_types:
                cat.update(keypoints=[label.name], skeleton=[])
            cats.append(cat)
        return cats

    def _write(self, sink: IO[bytes]) -> None:
        info = {"description": "Groundwork export", "version": "1.0",
                "date_created": self.ctx.as_of.isoformat(),
                "groundwork": {"project_id": self.ctx.project_id, "schema_id": self.ctx.schema_id,
                               "query": self.ctx.query, "as_of": self.ctx.as_of.isoformat()}}
        sink.write(('{"info":' + _DUMP(info) + ',"licenses":[],"images":[').encode())
        for part in (self.images, self.entries):
            part.seek(0)
            shutil.copyfileobj(part, sink, 1 << 20)
            sink.write(b"\n],\"annotations\":[" if part is self.images else b"\n],")
        sink.write(('"categories":' + _DUMP(self._categories()) + "}\n").encode())

    def finish(self) -> None:
        """Join header, the spooled arrays and the categories into the output."""
        for part in (self.images, self.entries):
            part.flush()
        if self.archive is not None:
            with self.archive.open("annotations.json") as sink:
                self._write(sink)
            self.archive.close()
        else:
            self._write(self.out)
        for part in (self.images, self.entries):
            part.close()
