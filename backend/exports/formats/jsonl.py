"""Native JSON Lines: one line per file with everything Groundwork knows about it at the snapshot.

``{"file": {id, name, kind, mime_type, width, height, text_length, content_hash, metadata},
"annotations": [{id, version, schema_id, label, label_id, type, geometry, attributes, source,
model_name, model_version, score}]}`` — every file kind, every annotation type; without a
schema it covers every schema of the project. ``groundwork`` imports it back (format ``jsonl``).
"""

from __future__ import annotations

import json

from backend.exports.formats.base import FileItem, Format

_DUMP = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def file_line(item: FileItem) -> str:
    """The JSON line for one file."""
    return _DUMP({
        "file": {"id": item.id, "name": item.name, "kind": item.kind, "mime_type": item.mime_type,
                 "width": item.width, "height": item.height, "text_length": item.text_length,
                 "content_hash": item.content_hash, "metadata": item.meta},
        "annotations": [{"id": str(a.id), "version": a.version, "schema_id": a.schema_id, "label": a.label,
                         "label_id": a.label_id, "type": a.type, "geometry": a.geometry, "attributes": a.attributes,
                         "source": a.source, "model_name": a.model_name, "model_version": a.model_version,
                         "score": a.score} for a in item.annotations],
    }) + "\n"


class Jsonl(Format):
    name, title = "jsonl", "Groundwork JSON Lines (every file, every annotation, version ids)"
    extension, content_type = "jsonl", "application/jsonl"
    needs_schema = False
    exact_geometry = True

    def add(self, item: FileItem) -> None:
        """Write the file's line."""
        self.out.write(file_line(item).encode())
        self.files += 1
        self.annotations += len(item.annotations)

    def finish(self) -> None:
        """Nothing to close: every line is complete."""
