"""From a received record to the item a training loop uses: a decoded image or text, and numpy shapes."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageOps

from groundwork.streaming._wire import RawItem

_ORIENTATION = 0x0112


def decode_image(data: bytes, mode: str = "RGB") -> npt.NDArray[np.uint8]:
    """JPEG/PNG/WebP bytes -> an HxWxC uint8 array, as displayed (EXIF rotation applied, like the server)."""
    with Image.open(io.BytesIO(data)) as img:
        oriented = ImageOps.exif_transpose(img) if img.getexif().get(_ORIENTATION, 1) != 1 else img
        return np.array(oriented.convert(mode) if oriented.mode != mode else oriented)  # writable, for augmentations


def _group(anns: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for a in anns:
        out.setdefault(a["type"], []).append(a)
    return out


def _labels(anns: list[dict[str, Any]]) -> dict[str, Any]:
    return {"label_ids": np.array([a["label_id"] if a["label_id"] is not None else -1 for a in anns], np.int64),
            "labels": [a["label"] or "" for a in anns], "attributes": [a["attributes"] for a in anns]}


def _boxes(anns: list[dict[str, Any]]) -> dict[str, Any]:
    xyxy = np.array([[g["x"], g["y"], g["x"] + g["w"], g["y"] + g["h"]] for g in (a["geometry"] for a in anns)],
                    np.float32).reshape(-1, 4)
    scores = np.array([np.nan if a["score"] is None else a["score"] for a in anns], np.float32)
    return {"xyxy": xyxy, "scores": scores, **_labels(anns)}


def _points(anns: list[dict[str, Any]], key: str) -> dict[str, Any]:
    if key == "keypoints":
        pts = [np.array([[p["x"], p["y"], 1.0 if p.get("visible", True) else 0.0] for p in a["geometry"]["points"]],
                        np.float32).reshape(-1, 3) for a in anns]
    else:
        pts = [np.array(a["geometry"]["points"], np.float32).reshape(-1, 2) for a in anns]
    return {"points": pts, **_labels(anns)}


def annotation_arrays(anns: list[dict[str, Any]]) -> dict[str, Any]:
    """Annotations grouped by shape into arrays: boxes (xyxy pixels), polygons, keypoints, spans, tags."""
    by = _group(anns)
    point_anns = by.get("point", [])
    spans = by.get("span", [])
    tags = by.get("tag", [])
    file_attributes: dict[str, Any] = {}
    for tag in tags:
        file_attributes.update(tag["attributes"])
    return {
        "boxes": _boxes(by.get("box", [])),
        "polygons": _points(by.get("polygon", []), "polygon"),
        "polylines": _points(by.get("polyline", []), "polyline"),
        "keypoints": _points(by.get("keypoints", []), "keypoints"),
        "points": {"xy": np.array([[a["geometry"]["x"], a["geometry"]["y"]] for a in point_anns],
                                  np.float32).reshape(-1, 2), **_labels(point_anns)},
        "spans": {"ranges": np.array([[a["geometry"]["start"], a["geometry"]["end"]] for a in spans],
                                     np.int64).reshape(-1, 2), **_labels(spans)},
        "tags": {k: v for k, v in _labels([t for t in tags if t["label_id"] is not None]).items()
                 if k != "attributes"},
        "attributes": file_attributes,
    }


def build_item(raw: RawItem, *, decode: bool = True) -> dict[str, Any]:
    """The item dict: file fields, metadata, ``image`` (array, or bytes if not decoding) or ``text``, shapes."""
    rec = raw.record
    item: dict[str, Any] = {k: rec.get(k) for k in ("position", "file_id", "name", "kind", "mime_type",
                                                   "content_hash", "width", "height")}
    item["metadata"] = rec.get("metadata") or {}
    if rec.get("kind") == "image":
        item["image"] = (decode_image(raw.media) if decode else raw.media) if raw.media is not None else None
    else:
        item["text"] = rec.get("text")
    item["annotations"] = rec.get("annotations") or []
    item.update(annotation_arrays(item["annotations"]))
    return item
