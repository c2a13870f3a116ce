"""The import formats by name."""

from __future__ import annotations

from backend.imports.formats.base import Reader
from backend.imports.formats.coco import CocoReader
from backend.imports.formats.jsonl import JsonlReader
from backend.imports.formats.yolo import YoloReader

READERS: dict[str, type[Reader]] = {r.name: r for r in (CocoReader, YoloReader, JsonlReader)}
