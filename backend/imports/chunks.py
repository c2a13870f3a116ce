"""One chunk of an import: rows matched to files, converted and checked, then written in one bulk write.

Every annotation remembers the source row it came from, so a refusal by the annotations service
(outside the image, an unknown attribute option …) becomes that row's rejection.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from pydantic import TypeAdapter, ValidationError
from sqlalchemy.orm import Session

from backend.annotations import service as annotations_service
from backend.annotations.schemas import AnnotationIn, BulkWrite, FileAnnotationsBulk
from backend.core.errors import ValidationFailed
from backend.imports.formats.base import Reader, Row, RowError
from backend.imports.matching import FileIndex
from backend.imports.models import ImportJob
from backend.projects.deps import ProjectAccess

_ANNOTATION = TypeAdapter(AnnotationIn)


def reason(exc: ValidationError | ValidationFailed) -> str:
    """A rejection's reason from a schema (pydantic) or service error, naming the field within the annotation."""
    if isinstance(exc, ValidationError):
        first = exc.errors(include_url=False)[0]
        loc = ".".join(str(p) for p in first["loc"][1:])  # [0] is the type tag of the union
        return f"{loc}: {first['msg']}" if loc else str(first["msg"])
    where = exc.fields[0].field.split(".", 5)[-1] if exc.fields else ""
    return f"{where}: {exc.message}" if where.startswith(("geometry", "attributes", "label", "type")) else exc.message


class Chunk:
    """Rows ``first .. first + len(rows) - 1`` of the upload, ready to write."""

    def __init__(self, job: ImportJob, attributes: set[str], first: int, rows: list[Row]) -> None:
        self.job, self.attributes, self.first, self.rows = job, attributes, first, rows
        self.options: dict[str, Any] = dict(job.options)  # read once, not per annotation
        self.by_file: dict[int, list[tuple[int, AnnotationIn]]] = {}
        self.rejected: dict[int, str] = {}
        self.dropped: Counter[str] = Counter()

    def reject(self, seq: int, why: str) -> None:
        self.rejected.setdefault(seq, why)

    def add(self, seq: int, body: dict[str, Any], file_id: int) -> None:
        """Apply the import's options to an annotation body and check it against the schema's shapes."""
        opts = self.options
        attrs = body.get("attributes")
        if isinstance(attrs, dict) and any(k not in self.attributes for k in attrs):
            self.dropped.update(k for k in attrs if k not in self.attributes)
            body["attributes"] = {k: v for k, v in attrs.items() if k in self.attributes}
        if opts.get("as_model"):
            body.update(source="model", model_name=opts["model_name"], model_version=opts.get("model_version"))
            if body.get("score") is None and opts.get("default_score") is not None:
                body["score"] = opts["default_score"]
        try:
            self.by_file.setdefault(file_id, []).append((seq, _ANNOTATION.validate_python(body)))
        except ValidationError as exc:
            self.reject(seq, reason(exc))

    def write(self, session: Session, access: ProjectAccess, before_shared: Callable[[], None] | None = None) -> int:
        """Write the valid annotations; those the service refuses become rejections. How many were written.

        ``before_shared``: see ``annotations.service.bulk_write`` (not called when nothing is written)."""
        if not self.by_file:
            return 0
        items = list(self.by_file.items())
        data = BulkWrite.model_construct(
            schema_id=self.job.schema_id, mode="append", replace_scope="model",
            files=[FileAnnotationsBulk.model_construct(file_id=fid, annotations=[a for _, a in anns])
                   for fid, anns in items])
        refused: list[tuple[int, int, ValidationFailed]] = []
        result = annotations_service.bulk_write(session, access, data, sum(len(a) for _, a in items),
                                                rejected=refused, before_shared=before_shared)
        for i, j, exc in refused:
            self.reject(items[i][1][j][0], reason(exc))
        return result.created

    def rejections(self) -> list[tuple[int, str, str]]:
        """(position, where, reason) of each rejected row, in upload order."""
        return [(seq, self.rows[seq - self.first].ref, why) for seq, why in sorted(self.rejected.items())]


def prepare(reader: Reader, index: FileIndex, job: ImportJob, attributes: set[str], first: int,
            rows: list[Row]) -> Chunk:
    """Match rows to files and turn them into checked annotation bodies (no writes)."""
    chunk = Chunk(job, attributes, first, rows)
    files = index.resolve({r.key for r in rows if r.key is not None and r.error is None})
    for seq, row in enumerate(rows, start=first):
        if row.error is not None:
            chunk.reject(seq, row.error)
            continue
        found = files.get(row.key) if row.key is not None else None
        if found is None or isinstance(found, str):
            chunk.reject(seq, found or "the row names no file")
            continue
        try:
            for body in reader.convert(row, found):
                chunk.add(seq, body, found.id)
        except RowError as exc:
            chunk.reject(seq, str(exc))
    return chunk
