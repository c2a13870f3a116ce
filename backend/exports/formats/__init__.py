"""The export formats by name."""

from __future__ import annotations

from backend.exports.formats.base import Format
from backend.exports.formats.coco import Coco
from backend.exports.formats.csv_text import CsvText, JsonlText
from backend.exports.formats.jsonl import Jsonl
from backend.exports.formats.spacy import Conll, Spacy
from backend.exports.formats.voc import Voc
from backend.exports.formats.yolo import Yolo, YoloSeg

FORMATS: dict[str, type[Format]] = {f.name: f for f in (Jsonl, Coco, Yolo, YoloSeg, Voc, CsvText, JsonlText, Spacy,
                                                        Conll)}
