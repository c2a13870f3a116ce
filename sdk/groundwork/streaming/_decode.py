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


def _frozen(shape: tuple[int, ...], dtype: type) -> npt.NDArray[Any]:
    arr: npt.NDArray[Any] = np.zeros(shape, dtype)
    arr.setflags(write=False)  # shared by every item without that shape: nobody may write into it
    return arr


_NO_IDS = _frozen((0,), np.int64)
_EMPTY: dict[str, Any] = {
    "boxes": {"xyxy": _frozen((0, 4), np.float32), "scores": _frozen((0,), np.float32)},
    "polygons": {"points": ()}, "polylines": {"points": ()}, "keypoints": {"points": ()},
    "points": {"xy": _frozen((0, 2), np.float32)}, "spans": {"ranges": _frozen((0, 2), np.int64)},
}


def _labels(anns: list[dict[str, Any]]) -> dict[str, Any]:
    return {"label_ids": np.array([a["label_id"] if a["label_id"] is not None else -1 for a in anns], np.int64),
            "labels": [a["label"] or "" for a in anns], "attributes": [a["attributes"] for a in anns]}


def _empty(kind: str) -> dict[str, Any]:
    return {**_EMPTY[kind], "label_ids": _NO_IDS, "labels": [], "attributes": []}


def _shape(kind: str, anns: list[dict[str, Any]]) -> dict[str, Any]:
    if kind == "boxes":
        xyxy = np.array([[g["x"], g["y"], g["x"] + g["w"], g["y"] + g["h"]] for g in (a["geometry"] for a in anns)],
                        np.float32).reshape(-1, 4)
        scores = np.array([np.nan if a["score"] is None else a["score"] for a in anns], np.float32)
        return {"xyxy": xyxy, "scores": scores, **_labels(anns)}
    if kind == "keypoints":
        pts = [np.array([[p["x"], p["y"], 1.0 if p.get("visible", True) else 0.0] for p in a["geometry"]["points"]],
                        np.float32).reshape(-1, 3) for a in anns]
        return {"points": pts, **_labels(anns)}
    if kind in ("polygons", "polylines"):
        return {"points": [np.array(a["geometry"]["points"], np.float32).reshape(-1, 2) for a in anns],
                **_labels(anns)}
    if kind == "points":
        return {"xy": np.array([[a["geometry"]["x"], a["geometry"]["y"]] for a in anns], np.float32).reshape(-1, 2),
                **_labels(anns)}
    return {"ranges": np.array([[a["geometry"]["start"], a["geometry"]["end"]] for a in anns],
                               np.int64).reshape(-1, 2), **_labels(anns)}


_KINDS = {"box": "boxes", "polygon": "polygons", "polyline": "polylines", "keypoints": "keypoints",
          "point": "points", "span": "spans"}


def annotation_arrays(anns: list[dict[str, Any]]) -> dict[str, Any]:
    """Annotations grouped by shape into arrays: boxes (xyxy pixels), polygons, keypoints, spans, tags.

    Shapes a file has none of share read-only empty arrays (most files have one or two kinds).
    """
    by: dict[str, list[dict[str, Any]]] = {}
    tags: list[dict[str, Any]] = []
    for a in anns:
        if a["type"] == "tag":
            tags.append(a)
        else:
            by.setdefault(_KINDS[a["type"]], []).append(a)
    out = {kind: _shape(kind, by[kind]) if kind in by else _empty(kind) for kind in _KINDS.values()}
    named = [t for t in tags if t["label_id"] is not None]
    out["tags"] = ({"label_ids": np.array([t["label_id"] for t in named], np.int64),
                    "labels": [t["label"] or "" for t in named]} if named else {"label_ids": _NO_IDS, "labels": []})
    file_attributes: dict[str, Any] = {}
    for tag in tags:
        file_attributes.update(tag["attributes"])
    out["attributes"] = file_attributes
    return out


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
