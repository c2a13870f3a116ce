"""Groundwork JSON Lines (what the ``jsonl`` export writes) → annotations.

Each line is ``{"file": {"name": …, …}, "annotations": [{type, label, geometry, attributes, source,
model_name, model_version, score, …}]}``; the file is matched by name; annotation ids, versions and
label ids are the source project's and are not reused (labels are matched by name).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from backend.imports.formats.base import FileInfo, ImportFileError, Reader, Row, RowError

_KEPT = ("type", "label", "geometry", "attributes", "source", "model_name", "model_version", "score")


class JsonlReader(Reader):
    name = "jsonl"

    def _lines(self) -> Iterator[tuple[int, str]]:
        with open(self.path, "rb") as f:
            for number, raw in enumerate(f, start=1):
                try:
                    yield number, raw.decode("utf-8-sig" if number == 1 else "utf-8")
                except UnicodeDecodeError as exc:
                    raise ImportFileError(f"line {number} is not UTF-8 (byte {exc.start + 1})",
                                          field="body.file") from None

    def _parse(self, number: int, line: str) -> tuple[str | None, list[Any]] | str:
        try:
            doc = json.loads(line)
        except json.JSONDecodeError as exc:
            return f"not valid JSON ({exc.msg} at column {exc.colno})"
        if not isinstance(doc, dict) or not isinstance(doc.get("file"), dict):
            return 'each line must be an object with a "file" object'
        name = doc["file"].get("name")
        annotations = doc.get("annotations", [])
        if not isinstance(name, str) or not name:
            return "file.name must be a non-empty string"
        if not isinstance(annotations, list):
            return "annotations must be a list"
        return name, annotations

    def scan(self) -> int:
        """Count rows: one per annotation, one per unusable line."""
        total = 0
        for number, line in self._lines():
            if line.strip():
                parsed = self._parse(number, line)
                total += 1 if isinstance(parsed, str) else len(parsed[1])
        if not total:
            raise ImportFileError("the file has no annotations", field="body.file")
        return total

    def rows(self) -> Iterator[Row]:
        """One row per annotation (a bad line is one rejected row)."""
        for number, line in self._lines():
            if not line.strip():
                continue
            parsed = self._parse(number, line)
            if isinstance(parsed, str):
                yield Row(f"line {number}", None, error=parsed)
                continue
            name, annotations = parsed
            for j, ann in enumerate(annotations):
                yield Row(f"line {number} annotations[{j}]", name, ann)

    def convert(self, row: Row, file: FileInfo) -> list[dict[str, Any]]:
        """The annotation as exported, without its source project's ids."""
        if not isinstance(row.data, dict):
            raise RowError("an annotation must be a JSON object")
        body = {k: row.data[k] for k in _KEPT if row.data.get(k) is not None}
        if body.get("type") == "tag" and "geometry" in body:
            raise RowError("a tag has no geometry")
        return [body]
