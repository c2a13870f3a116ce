"""Running an import: read the upload row by row and write through the annotations service in chunks.

Each chunk of ``CHUNK_ROWS`` rows commits in ONE transaction: its annotations (through
``annotations.service.bulk_write``: the same validation, versions, label counts and
``annotations.bulk_written`` event as the API), its rejected rows, and the job's resume point
``rows_done``. So whatever stops an import — a crash, a lost database, a failed chunk — leaves
exactly the chunks before it, and resuming continues at the next row: nothing twice, nothing lost.
A file that cannot be read at all is found by the first pass (``scan``) before anything is written.
"""

from __future__ import annotations

import logging
import shutil
from collections import Counter
from collections.abc import Iterator
from itertools import islice
from typing import Any

from pydantic import TypeAdapter, ValidationError
from sqlalchemy.orm import Session

from backend.annotations import service as annotations_service
from backend.annotations.schemas import AnnotationIn, BulkWrite, FileAnnotationsBulk
from backend.auth.models import User
from backend.core.db import transaction
from backend.core.errors import Forbidden, ValidationFailed
from backend.core.types import utcnow
from backend.imports import repository
from backend.imports.formats import READERS
from backend.imports.formats.base import LabelRule, Reader, Row, RowError
from backend.imports.matching import FileIndex
from backend.imports.models import ImportJob
from backend.imports.service import record_outcome, upload_path
from backend.jobs import repository as jobs_repo
from backend.jobs.models import JobStatus
from backend.jobs.runner import JobContext, JobKind
from backend.projects.deps import EDITORS, ProjectAccess, effective_role
from backend.projects.models import Project

log = logging.getLogger(__name__)

CHUNK_ROWS = 10_000
_ANNOTATION = TypeAdapter(AnnotationIn)


def _access(session: Session, job: ImportJob) -> ProjectAccess:
    """The importing member, who must still be an editor or admin (roles can change while a job waits)."""
    user = session.get(User, job.created_by_id) if job.created_by_id is not None else None
    project = session.get(Project, job.project_id)
    role = effective_role(session, job.project_id, user) if user is not None and user.is_active else None
    if user is None or project is None or role not in EDITORS:
        raise Forbidden("the member who started this import may no longer write annotations (role changed "
                        "or removed)")
    assert role is not None
    return ProjectAccess(project=project, user=user, role=role)


def _reason(exc: ValidationError | ValidationFailed) -> str:
    if isinstance(exc, ValidationError):
        first = exc.errors(include_url=False)[0]
        loc = ".".join(str(p) for p in first["loc"][1:])  # [0] is the type tag of the union
        return f"{loc}: {first['msg']}" if loc else str(first["msg"])
    where = exc.fields[0].field.split(".", 5)[-1] if exc.fields else ""
    return f"{where}: {exc.message}" if where.startswith(("geometry", "attributes", "label", "type")) else exc.message


class _Chunk:
    """One chunk's rows turned into a bulk write, remembering which row each annotation came from."""

    def __init__(self, job: ImportJob, attributes: set[str], dropped: Counter[str]) -> None:
        self.job, self.attributes, self.dropped = job, attributes, dropped
        self.by_file: dict[int, list[tuple[int, AnnotationIn]]] = {}
        self.rejected: dict[int, tuple[str, str]] = {}

    def reject(self, seq: int, row: Row, reason: str) -> None:
        self.rejected.setdefault(seq, (row.ref, reason))

    def add(self, seq: int, row: Row, body: dict[str, Any], file_id: int) -> None:
        opts = self.job.options
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
            self.reject(seq, row, _reason(exc))

    def write(self, session: Session, access: ProjectAccess) -> int:
        """Write the valid annotations; those the service refuses become rejections. How many were written."""
        if not self.by_file:
            return 0
        items = list(self.by_file.items())
        data = BulkWrite.model_construct(
            schema_id=self.job.schema_id, mode="append", replace_scope="model",
            files=[FileAnnotationsBulk.model_construct(file_id=fid, annotations=[a for _, a in anns])
                   for fid, anns in items])
        refused: list[tuple[int, int, ValidationFailed]] = []
        result = annotations_service.bulk_write(session, access, data, sum(len(a) for _, a in items), rejected=refused)
        for i, j, exc in refused:
            seq = items[i][1][j][0]
            self.rejected.setdefault(seq, ("", _reason(exc)))
        return result.created


def _labels(session: Session, schema_id: int) -> dict[str, LabelRule]:
    return {lab.name: LabelRule(lab.name, frozenset(lab.annotation_types),
                                tuple(lab.keypoint_names) if lab.keypoint_names else None)
            for lab in repository.schema_labels(session, schema_id)}


def _chunks(rows: Iterator[Row]) -> Iterator[list[Row]]:
    while chunk := list(islice(rows, CHUNK_ROWS)):
        yield chunk


def run_import(ctx: JobContext, job_id: int) -> None:
    """Import the upload of a claimed job from its resume point; records ``import.completed``."""
    with transaction(ctx.reading()) as session:
        job = session.get(ImportJob, job_id)
        assert job is not None
        access = _access(session, job)
        labels = _labels(session, job.schema_id)
        attributes = repository.schema_attribute_names(session, job.schema_id)
    path = upload_path(ctx.settings, job)
    if not path.is_file():
        raise ValidationFailed("the uploaded file is gone from the data directory; start a new import")
    reader: Reader = READERS[job.format](path, labels)
    total = reader.scan()
    ctx.beat(ImportJob, job_id, progress_total=total)
    index = FileIndex(ctx.reading(), job.project_id, by_stem=reader.match_by_stem)
    counts: Counter[str] = Counter({k: v for k, v in job.counts.items() if isinstance(v, int)})
    dropped: Counter[str] = Counter(job.counts.get("dropped_attributes") or {})
    seq = job.rows_done
    for rows in _chunks(islice(reader.rows(), job.rows_done, None)):
        chunk = _Chunk(job, attributes, dropped)
        files = index.resolve({r.key for r in rows if r.key is not None and r.error is None})
        for k, row in enumerate(rows):
            found = files.get(row.key) if row.key is not None else None
            if row.error is not None or not found or isinstance(found, str):
                chunk.reject(seq + k, row, row.error or (found if isinstance(found, str) else "no file named"))
                continue
            try:
                for body in reader.convert(row, found):
                    chunk.add(seq + k, row, body, found.id)
            except RowError as exc:
                chunk.reject(seq + k, row, str(exc))
        with transaction(ctx.factory) as session:
            written = chunk.write(session, access)
            rejected = sorted((s, ref or rows[s - seq].ref, why) for s, (ref, why) in chunk.rejected.items())
            repository.add_rejections(session, job_id, rejected)
            counts.update(rows=len(rows), annotations=written, rejected=len(rejected))
            seq += len(rows)
            ctx.heartbeat(session, ImportJob, job_id, rows_done=seq, progress_done=seq,
                          counts={**counts, "dropped_attributes": dict(dropped)})
    with transaction(ctx.factory) as session:
        done = jobs_repo.owned(session, ImportJob, job_id, ctx.owner)
        if done is None:
            return
        done.status, done.finished_at, done.lease_owner, done.lease_until = JobStatus.succeeded, utcnow(), None, None
        record_outcome(session, done)
    shutil.rmtree(path.parent, ignore_errors=True)
    log.info("import %s done: %s", job_id, dict(counts))


def _on_failed(session: Session, job: ImportJob, message: str) -> None:
    record_outcome(session, job)


IMPORTS = JobKind(name="import", model=ImportJob, run=run_import, on_failed=_on_failed)
