"""Rules for exports: what may be exported by whom, the snapshot's file list, reading results back.

Creating an export validates everything and fixes the set of files (the query is evaluated once,
now); the background runner (``backend/exports/job.py``) writes the output.
"""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from backend.config import Settings
from backend.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from backend.core.types import utcnow
from backend.datasets import service as datasets
from backend.events.service import record
from backend.exports import events as _catalogue  # noqa: F401  (registers export.* types)
from backend.exports import repository
from backend.exports.formats import FORMATS
from backend.exports.models import ExportJob
from backend.exports.schemas import ExportCreate
from backend.jobs.models import JobStatus
from backend.label_schemas import repository as schemas_repo
from backend.projects.deps import EDITORS, ProjectAccess
from backend.query.service import compile_query
from backend.storage_connections import repository as connections_repo
from backend.storage_connections.models import StorageConnection
from backend.storage_connections.service import object_key

CLOCK_SKEW = timedelta(seconds=5)


def export_dir(settings: Settings, job: ExportJob) -> Path:
    """Where a download export's output (and its work files) live."""
    return settings.data_dir / "exports" / f"p{job.project_id}" / str(job.id)


def output_path(settings: Settings, job: ExportJob) -> Path:
    """The finished output of a download export."""
    return export_dir(settings, job) / job.file_name


def _check_as_of(body: ExportCreate) -> None:
    if body.as_of is None:
        return
    if body.as_of.tzinfo is None:
        raise ValidationFailed("needs a time zone, e.g. 2026-11-21T10:00:00Z", field="body.as_of")
    if body.as_of > utcnow() + CLOCK_SKEW:
        raise ValidationFailed("as_of lies in the future; a snapshot can only be of the past", field="body.as_of")


def _connection(session: Session, access: ProjectAccess, body: ExportCreate) -> StorageConnection | None:
    """The storage connection a storage export writes to (editors and admins only)."""
    if body.destination != "storage":
        return None
    if access.role not in EDITORS:
        raise Forbidden(f"your role ({access.role.value}) may not write exports into the project's storage; "
                        "needs admin or editor (download the export instead)")
    assert body.connection_id is not None
    conn = connections_repo.get(session, access.project.id, body.connection_id)
    if conn is None:
        raise ValidationFailed("no storage connection with this id in the project", field="body.connection_id")
    return conn


def _storage_key(conn: StorageConnection, prefix: str, file_name: str) -> str:
    folder = prefix if not prefix or prefix.endswith("/") else prefix + "/"
    return object_key(conn, folder + file_name, "body.prefix")


def create_export(session: Session, access: ProjectAccess, body: ExportCreate) -> ExportJob:
    """Validate the request, record the job and the files it covers; the runner picks it up."""
    fmt = FORMATS[body.format]
    _check_as_of(body)
    if body.schema_id is None and fmt.needs_schema:
        raise ValidationFailed(f"format {body.format!r} needs schema_id (its labels become the classes)",
                               field="body.schema_id")
    if body.schema_id is not None and schemas_repo.schema_in_project(session, access.project.id,
                                                                     body.schema_id) is None:
        raise ValidationFailed("no label schema with this id in the project", field="body.schema_id")
    if body.include_media and fmt.output_extension(True) != "zip":
        raise ValidationFailed(f"include_media is for coco, yolo, yolo_seg and voc, not {body.format}",
                               field="body.include_media")
    dataset = (datasets.get_dataset(session, access, body.dataset_id, field="body.dataset_id",
                                    missing=ValidationFailed) if body.dataset_id is not None else None)
    condition = compile_query(session, access.project.id, body.query, field="body.query")
    conn = _connection(session, access, body)
    as_of = body.as_of or utcnow()
    job = ExportJob(project_id=access.project.id, format=body.format, query=body.query, schema_id=body.schema_id,
                    dataset_id=dataset.id if dataset else None, dataset_name=dataset.name if dataset else None,
                    as_of=as_of, destination=body.destination, connection_id=body.connection_id,
                    options={"include_media": body.include_media}, file_name="",
                    content_type=fmt.output_type(body.include_media), created_by_id=access.user.id,
                    status=JobStatus.pending, progress_done=0, stats={}, attempts=0)
    session.add(job)
    session.flush()
    job.file_name = f"export-{job.id}-{body.format}-{as_of.strftime('%Y%m%dT%H%M%SZ')}." \
                    f"{fmt.output_extension(body.include_media)}"
    if conn is not None:
        job.object_key = _storage_key(conn, body.prefix, job.file_name)
    job.progress_total = repository.select_files(session, job, condition)
    session.flush()
    return job


def get_export(session: Session, access: ProjectAccess, export_id: int) -> ExportJob:
    """The project's export, else 404."""
    job = repository.get(session, access.project.id, export_id)
    if job is None:
        raise NotFound("export not found", field="path.export_id")
    return job


def list_exports(session: Session, access: ProjectAccess, before: int | None, limit: int) -> list[ExportJob]:
    """A page of the project's exports, newest first."""
    return repository.list_for(session, access.project.id, before, limit)


def downloadable(settings: Settings, session: Session, access: ProjectAccess, export_id: int) -> ExportJob:
    """The finished download export whose output exists on disk (409 while it runs, or when it went to storage)."""
    job = get_export(session, access, export_id)
    if job.status != JobStatus.succeeded:
        raise Conflict(f"the export is {job.status.value}; download it once it has succeeded",
                       field="path.export_id", detail={"status": job.status.value})
    if job.destination != "download":
        raise Conflict(f"this export was written to storage connection {job.connection_id} at "
                       f"{job.object_key!r}", field="path.export_id")
    if not output_path(settings, job).is_file():
        raise NotFound("the export's output is gone from the data directory", field="path.export_id")
    return job


def delete_export(session: Session, settings: Settings, access: ProjectAccess, export_id: int) -> None:
    """Delete an export that is not running, and its output (editors, admins, or whoever made it)."""
    job = get_export(session, access, export_id)
    if access.role not in EDITORS and job.created_by_id != access.user.id:
        raise Forbidden("only admins, editors or the member who made an export may delete it")
    if job.status == JobStatus.running:
        raise Conflict("the export is running; delete it once it has finished", field="path.export_id")
    session.delete(job)
    session.flush()
    shutil.rmtree(export_dir(settings, job), ignore_errors=True)


def record_outcome(session: Session, job: ExportJob) -> None:
    """``export.completed`` or ``export.failed`` for a finished job."""
    ok = job.status == JobStatus.succeeded
    payload = {"export_id": job.id, "format": job.format, "destination": job.destination}
    if ok:
        payload.update(size_bytes=job.size_bytes, sha256=job.sha256, files=job.stats.get("files"),
                       annotations=job.stats.get("annotations"))
        if job.destination == "storage":
            payload.update(connection_id=job.connection_id, key=job.object_key)
    else:
        payload["error"] = job.error
    record(session, "export.completed" if ok else "export.failed", project_id=job.project_id,
           actor_id=job.created_by_id, payload=payload)
