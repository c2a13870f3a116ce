"""COCO object-detection JSON → annotations.

Images are matched to project files by ``file_name`` (the exact name, else its last path part);
categories to schema labels by ``name``. Per annotation, in this order:
- ``keypoints`` (non-empty) on a label that allows keypoints → keypoints (v = 2 visible, 0 or 1
  hidden); a single keypoint on a label that allows points → a point;
- a polygon ``segmentation`` on a label that allows polygons → one polygon per part;
- otherwise ``bbox`` → a box.
``score`` and ``attributes`` are kept. Crowd regions (RLE segmentation) are rejected.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from backend.imports.formats.base import FileInfo, ImportFileError, Reader, Row, RowError, numbers
from backend.imports.formats.jsonstream import JsonSyntaxError, top_level


class CocoReader(Reader):
    name = "coco"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.images: dict[Any, str | None] = {}  # image id -> file_name (None: unusable entry)
        self.categories: dict[Any, str | None] = {}

    def scan(self) -> int:
        """Read images and categories, count annotations; fail on syntax or a missing annotations array."""
        total, seen = 0, set()
        try:
            for key, index, value in top_level(self.path):
                seen.add(key)
                if key == "images" and index is not None:
                    name = value.get("file_name") if isinstance(value, dict) else None
                    if isinstance(value, dict) and "id" in value:
                        self.images[value["id"]] = name if isinstance(name, str) and name else None
                elif key == "categories" and index is not None and isinstance(value, dict) and "id" in value:
                    name = value.get("name")
                    self.categories[value["id"]] = name if isinstance(name, str) else None
                elif key == "annotations" and index is not None:
                    total += 1
        except JsonSyntaxError as exc:
            raise ImportFileError(f"{exc}", field="body.file") from None
        except UnicodeDecodeError as exc:
            raise ImportFileError(f"not UTF-8 text (byte {exc.start})", field="body.file") from None
        missing = [k for k in ("images", "annotations", "categories") if k not in seen]
        if missing:
            raise ImportFileError(f"not a COCO file: no {', '.join(missing)} array", field="body.file")
        return total

    def rows(self) -> Iterator[Row]:
        """One row per element of ``annotations``."""
        for key, index, value in top_level(self.path):
            if key != "annotations" or index is None:
                continue
            ref = f"annotations[{index}]"
            if not isinstance(value, dict):
                yield Row(ref, None, error="not a JSON object")
                continue
            if "id" in value:
                ref += f" (id {value['id']})"
            image = value.get("image_id")
            if image not in self.images:
                yield Row(ref, None, error=f"image_id {image!r} is not in images")
            elif self.images[image] is None:
                yield Row(ref, None, error=f"image {image!r} has no file_name")
            else:
                yield Row(ref, self.images[image], value)

    def _label(self, ann: dict[str, Any]) -> str:
        category = ann.get("category_id")
        if category not in self.categories:
            raise RowError(f"category_id {category!r} is not in categories")
        name = self.categories[category]
        if name is None:
            raise RowError(f"category {category!r} has no name")
        return name

    def convert(self, row: Row, file: FileInfo) -> list[dict[str, Any]]:
        """The box, polygon, keypoints or point this annotation describes."""
        ann: dict[str, Any] = row.data
        name = self._label(ann)
        rule = self.label(name, "category")
        body: dict[str, Any] = {"label": name}
        if ann.get("score") is not None:
            body["score"] = ann["score"]
        if isinstance(ann.get("attributes"), dict):
            body["attributes"] = ann["attributes"]
        if ann.get("iscrowd") == 1 or isinstance(ann.get("segmentation"), dict):
            raise RowError("crowd regions (RLE segmentation) are not supported")
        keypoints = ann.get("keypoints")
        if isinstance(keypoints, list) and keypoints and ("keypoints" in rule.annotation_types
                                                          or "point" in rule.annotation_types):
            return [{**body, **_keypoints(keypoints, rule.annotation_types)}]
        segmentation = ann.get("segmentation")
        if isinstance(segmentation, list) and segmentation and "polygon" in rule.annotation_types:
            return [{**body, "type": "polygon", "geometry": {"points": _polygon(part)}} for part in segmentation]
        bbox: Any = ann.get("bbox")
        if not numbers(bbox, 4):
            raise RowError("bbox must be [x, y, width, height]")
        return [{**body, "type": "box", "geometry": {"x": bbox[0], "y": bbox[1], "w": bbox[2], "h": bbox[3]}}]


def _polygon(part: Any) -> list[list[float]]:
    if not (numbers(part) and len(part) >= 6 and len(part) % 2 == 0):
        raise RowError("each segmentation polygon must be [x1, y1, x2, y2, x3, y3, ...]")
    return [[part[i], part[i + 1]] for i in range(0, len(part), 2)]


def _keypoints(flat: list[Any], allowed: frozenset[str]) -> dict[str, Any]:
    if len(flat) % 3 or not numbers(flat):
        raise RowError("keypoints must be [x1, y1, v1, x2, y2, v2, ...]")
    points = [{"x": flat[i], "y": flat[i + 1], "visible": flat[i + 2] == 2} for i in range(0, len(flat), 3)]
    if "keypoints" not in allowed:  # a label of single points: a one-keypoint entry is a point
        if len(points) != 1:
            raise RowError(f"{len(points)} keypoints for a label that takes single points")
        return {"type": "point", "geometry": {"x": points[0]["x"], "y": points[0]["y"]}}
    return {"type": "keypoints", "geometry": {"points": points}}
