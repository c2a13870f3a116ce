"""Text classification: CSV (``file_id,name,text,label``) and JSON Lines, one row per text file.

A file's classes are its tag annotations' labels, sorted; CSV joins several with ``|`` (empty when
the text has none), JSON Lines lists them in ``labels`` and adds ``spans`` ``[{start, end, label}]``
(character offsets) and the file-level ``attributes`` of its tags. Image files are skipped.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any, BinaryIO

from backend.exports.formats.base import ExportContext, FileItem, Format

_DUMP = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def tag_labels(item: FileItem) -> list[str]:
    """The distinct labels of a file's tags, sorted."""
    return sorted({a.label for a in item.annotations if a.type == "tag" and a.label})


def spans(item: FileItem) -> list[dict[str, Any]]:
    """The file's labelled spans, by start then end."""
    found = [{"start": a.geometry["start"], "end": a.geometry["end"], "label": a.label}
             for a in item.annotations if a.type == "span" and a.geometry and a.label]
    return sorted(found, key=lambda s: (s["start"], s["end"], s["label"]))


class _TextFormat(Format):
    def accept(self, item: FileItem) -> bool:
        if item.kind != "text":
            self.skip("non-text files")
            return False
        self.files += 1
        return True


class CsvText(_TextFormat):
    name, title = "csv", "CSV for text classification (file_id, name, text, label)"
    extension, content_type = "csv", "text/csv"

    def __init__(self, ctx: ExportContext, out: BinaryIO) -> None:
        super().__init__(ctx, out)
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, lineterminator="\n")
        self._row(["file_id", "name", "text", "label"])

    def _row(self, values: list[Any]) -> None:
        self.writer.writerow(values)
        self.out.write(self.buffer.getvalue().encode())
        self.buffer.seek(0)
        self.buffer.truncate()

    def add(self, item: FileItem) -> None:
        """One row: the text and its classes."""
        if not self.accept(item):
            return
        labels = tag_labels(item)
        self.annotations += len(labels)
        self.skipped.update(a.type for a in item.annotations if a.type != "tag")
        self._row([item.id, item.name, self.ctx.read_text(item), "|".join(labels)])

    def finish(self) -> None:
        """Nothing to close."""


class JsonlText(_TextFormat):
    name, title = "jsonl_text", "JSON Lines for text (text, labels, spans)"
    extension, content_type = "jsonl", "application/jsonl"

    def add(self, item: FileItem) -> None:
        """One line: text, classes, spans and file-level attributes."""
        if not self.accept(item):
            return
        labels, found = tag_labels(item), spans(item)
        attributes: dict[str, Any] = {}
        for a in item.annotations:
            if a.type == "tag":
                attributes.update(a.attributes)
        self.annotations += len(labels) + len(found)
        self.out.write((_DUMP({"id": item.id, "name": item.name, "text": self.ctx.read_text(item), "labels": labels,
                               "spans": found, "attributes": attributes}) + "\n").encode())

    def finish(self) -> None:
        """Nothing to close."""
