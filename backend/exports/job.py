"""Running an export: stream the snapshot through the format into a file, then publish it.

Files are read in keyset-paginated chunks (``CHUNK_FILES`` at a time, each with its annotations
as of the snapshot), handed to the format one by one and written out at once, so memory stays
flat. The output is written under a temporary name and renamed when complete; a storage export
is then uploaded and the local copy removed. A runner that dies mid-way leaves a pending lease;
the next claim starts the export again from the beginning and, the snapshot being fixed, writes
the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from collections.abc import Iterator, Sequence
from typing import Any, cast

from sqlalchemy import Row
from sqlalchemy.orm import Session

from backend.auth.models import User
from backend.core.db import transaction
from backend.core.errors import Forbidden
from backend.core.types import utcnow
from backend.exports import repository
from backend.exports.content import ContentReader
from backend.exports.formats import FORMATS
from backend.exports.formats.base import AnnotationItem, ExportContext, FileItem, LabelInfo
from backend.exports.models import ExportJob
from backend.exports.service import export_dir, output_path, record_outcome
from backend.jobs import repository as jobs_repo
from backend.jobs.models import JobStatus
from backend.jobs.runner import JobContext, JobKind
from backend.projects.deps import EDITORS, READERS, effective_role
from backend.storage_connections import repository as connections_repo
from backend.storage_connections.backends.base import StoreError
from backend.storage_connections.service import StorageUnavailable, opened

log = logging.getLogger(__name__)

CHUNK_FILES = 500


def _check_allowed(session: Session, job: ExportJob) -> None:
    """The member who asked must still be allowed to (roles can change while a job waits)."""
    user = session.get(User, job.created_by_id) if job.created_by_id is not None else None
    role = effective_role(session, job.project_id, user) if user is not None and user.is_active else None
    needed = EDITORS if job.destination == "storage" else READERS
    if role not in needed:
        raise Forbidden("the member who asked for this export may no longer make it (role changed or removed)")


def _labels(session: Session, job: ExportJob) -> list[LabelInfo]:
    if job.schema_id is None:
        return []
    return [LabelInfo(lab.id, lab.name, lab.color, tuple(lab.annotation_types),
                      tuple(lab.keypoint_names) if lab.keypoint_names else None)
            for lab in repository.schema_labels(session, job.schema_id)]


def _items(files: Sequence[Row[Any]], anns: Sequence[Row[Any]], names: dict[int, str]) -> list[FileItem]:
    by_file: dict[int, list[AnnotationItem]] = {}
    for file_id, aid, version, schema_id, label_id, type_, geometry, attributes, source, model, model_version, \
            score, x, y, w, h in cast(Sequence[tuple[Any, ...]], anns):  # columns: repository.annotations_as_of
        if geometry is not None:
            shape = json.loads(geometry)
        else:
            shape = {"x": x, "y": y, "w": w, "h": h} if type_ == "box" else None
        by_file.setdefault(file_id, []).append(AnnotationItem(
            aid, version, schema_id, label_id, names.get(label_id), type_, shape,
            {} if attributes in (None, "{}") else json.loads(attributes), source, model, model_version, score))
    return [FileItem(id=f.id, name=f.name, kind=f.kind.value, mime_type=f.mime_type, width=f.width, height=f.height,
                     text_length=f.text_length, content_hash=f.content_hash, meta=f.meta or {},
                     annotations=by_file.get(f.id, []), storage_key=f.storage_key,
                     connection_id=f.storage_connection_id) for f in files]


def _write(ctx: JobContext, job: ExportJob, export_ctx: ExportContext, path: os.PathLike[str]) -> dict[str, Any]:
    names: dict[int, str]
    with transaction(ctx.reading()) as session:
        names = repository.project_label_names(session, job.project_id)
    with open(path, "wb") as out:
        fmt = FORMATS[job.format](export_ctx, out)
        after, done = 0, 0
        while True:
            with transaction(ctx.reading()) as session:
                files = repository.next_files(session, job.id, after, CHUNK_FILES)
                if not files:
                    break
                anns = repository.annotations_as_of(session, [f.id for f in files], job.as_of, job.schema_id,
                                                    exact_geometry=fmt.exact_geometry)
            for item in _items(files, anns, names):
                fmt.add(item)
            done += len(files)
            after = files[-1].id
            ctx.beat(ExportJob, job.id, progress_done=done)
        fmt.finish()
    return fmt.stats()


def _digest(path: os.PathLike[str]) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def _file_chunks(path: os.PathLike[str]) -> Iterator[bytes]:
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            yield chunk


def _upload(ctx: JobContext, job: ExportJob, path: os.PathLike[str]) -> None:
    with transaction(ctx.reading()) as session:
        conn = connections_repo.get(session, job.project_id, job.connection_id) if job.connection_id else None
    if conn is None or job.object_key is None:
        raise StorageUnavailable("the export's storage connection was deleted")
    with opened(ctx.settings, conn) as store:
        try:
            store.put(job.object_key, _file_chunks(path), job.content_type)
        except StoreError as exc:
            raise StorageUnavailable(f"could not write the export to the bucket: {exc.message}") from None


def run_export(ctx: JobContext, job_id: int) -> None:
    """Write the export of a claimed job, publish it, and record ``export.completed``."""
    with transaction(ctx.reading()) as session:
        job = session.get(ExportJob, job_id)
        assert job is not None
        _check_allowed(session, job)
        labels = _labels(session, job)
        schema_name = repository.schema_name(session, job.schema_id) if job.schema_id is not None else None
    work = export_dir(ctx.settings, job)
    shutil.rmtree(work, ignore_errors=True)  # an earlier attempt's leftovers
    (work / "tmp").mkdir(parents=True)
    reader = ContentReader(ctx, job.project_id)
    export_ctx = ExportContext(project_id=job.project_id, job_id=job.id, as_of=job.as_of, query=job.query,
                               schema_id=job.schema_id, schema_name=schema_name, labels=labels,
                               include_media=bool(job.options.get("include_media")), work_dir=work / "tmp",
                               read_text=reader.text, copy_content=reader.copy)
    partial = work / f".partial-{job.file_name}"
    try:
        stats = _write(ctx, job, export_ctx, partial)
    except Exception:
        shutil.rmtree(work, ignore_errors=True)  # a failed export leaves no half-written output behind
        raise
    finally:
        reader.close()
        shutil.rmtree(work / "tmp", ignore_errors=True)
    final = output_path(ctx.settings, job)
    os.replace(partial, final)
    size, digest = final.stat().st_size, _digest(final)
    if job.destination == "storage":
        _upload(ctx, job, final)
        shutil.rmtree(work, ignore_errors=True)
    with transaction(ctx.factory) as session:
        done = jobs_repo.owned(session, ExportJob, job_id, ctx.owner)
        if done is None:
            return  # another runner took over meanwhile: it will publish its own (identical) result
        done.status, done.finished_at, done.lease_owner, done.lease_until = JobStatus.succeeded, utcnow(), None, None
        done.size_bytes, done.sha256, done.stats = size, digest, stats
        done.progress_done = done.progress_total or 0
        repository.drop_selection(session, job_id)
        record_outcome(session, done)
    log.info("export %s (%s) written: %d bytes, %s", job_id, job.format, size, stats)


def _on_failed(session: Session, job: ExportJob, message: str) -> None:
    repository.drop_selection(session, job.id)
    record_outcome(session, job)


EXPORTS = JobKind(name="export", model=ExportJob, run=run_export, on_failed=_on_failed)
