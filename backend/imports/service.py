"""Rules for imports: who may import, keeping the upload, adding uploaded images, the report, resuming.

What a failing import leaves behind (docs/formats.md): an upload that cannot be read at all fails
before anything is written. Otherwise rows are written in chunks that each commit with the job's
resume point, rejected rows are reported and never stop the import, and an import that stops
(crash, database away) keeps the chunks it wrote: ``status`` failed (or still running, until the
next runner claims it and continues by itself), ``progress.done`` rows handled, ``resumable`` true.
``POST .../resume`` continues after the last committed row, so no row is written twice.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from backend.config import Settings
from backend.core.errors import Conflict, NotFound, ValidationFailed
from backend.events.service import record
from backend.files import ingest
from backend.files.schemas import ItemStatus, UploadForm
from backend.files.storage import Storage
from backend.imports import events as _catalogue  # noqa: F401  (registers import.* types)
from backend.imports import repository, uploads
from backend.imports.formats.base import basename
from backend.imports.models import ImportJob, ImportRejection
from backend.imports.schemas import ImportForm, ImportProgress, ImportRead, Rejection
from backend.jobs.models import JobStatus
from backend.label_schemas import repository as schemas_repo
from backend.projects.deps import ProjectAccess

SAMPLE = 20


def upload_path(settings: Settings, job: ImportJob) -> Path:
    """The kept upload of an import."""
    return settings.data_dir / job.upload_dir / "upload"


def _add_images(session: Session, settings: Settings, storage: Storage, access: ProjectAccess, form: ImportForm,
                rel: str) -> dict[str, int]:
    """Create files from the images sent with the import (all or nothing, like an upload)."""
    with ingest.staging(settings) as tmp:
        items = []
        if form.images:
            items = ingest.prepare_uploads(UploadForm.model_construct(files=form.images, metadata=None,
                                                                      text_field="text", dataset_id=None),
                                           settings, tmp)
        if form.format == "yolo":
            items += uploads.zip_images(settings.data_dir / rel / "upload", settings, tmp, len(items))
        if not items:
            return {}
        outcomes = ingest.store(session, storage, access, items, None)
    created = sum(1 for o in outcomes if o.status != ItemStatus.duplicate)
    return {"files_created": created, "files_existing": len(outcomes) - created}


def create_import(session: Session, settings: Settings, storage: Storage, access: ProjectAccess,
                  form: ImportForm) -> ImportJob:
    """Keep the upload, add its images as files, and queue the job."""
    if schemas_repo.schema_in_project(session, access.project.id, form.schema_id) is None:
        raise ValidationFailed("no label schema with this id in the project", field="body.schema_id")
    rel = uploads.new_upload_dir(settings, access.project.id)
    try:
        uploads.keep(form.file, settings.data_dir / rel / "upload", settings.max_request_bytes)
        counts = _add_images(session, settings, storage, access, form, rel)
    except BaseException:
        uploads.remove(settings, rel)
        raise
    options = {"as_model": form.as_model, "model_name": form.model_name, "model_version": form.model_version,
               "default_score": form.default_score}
    job = ImportJob(project_id=access.project.id, format=form.format, schema_id=form.schema_id, options=options,
                    source_name=basename(form.file.filename or "upload")[:500] or "upload", upload_dir=rel,
                    rows_done=0, counts=counts, created_by_id=access.user.id, status=JobStatus.pending,
                    progress_done=0, attempts=0)
    session.add(job)
    session.flush()
    return job


def get_import(session: Session, access: ProjectAccess, import_id: int) -> ImportJob:
    """The project's import, else 404."""
    job = repository.get(session, access.project.id, import_id)
    if job is None:
        raise NotFound("import not found", field="path.import_id")
    return job


def read(session: Session, settings: Settings, job: ImportJob) -> ImportRead:
    """The job as the API shows it, with the first rejected rows."""
    sample = [Rejection(row=r.row, reason=r.reason) for r in repository.rejections(session, job.id, None, SAMPLE)]
    resumable = job.status == JobStatus.failed and upload_path(settings, job).is_file()
    return ImportRead(id=job.id, project_id=job.project_id, format=job.format,
                      schema_id=job.schema_id, source_name=job.source_name, options=job.options, status=job.status,
                      progress=ImportProgress(done=job.progress_done, total=job.progress_total), counts=job.counts,
                      rejections_sample=sample, error=job.error, resumable=resumable, attempts=job.attempts,
                      created_by_id=job.created_by_id, created_at=job.created_at, started_at=job.started_at,
                      finished_at=job.finished_at)


def list_imports(session: Session, access: ProjectAccess, before: int | None, limit: int) -> list[ImportJob]:
    """A page of the project's imports, newest first."""
    return repository.list_for(session, access.project.id, before, limit)


def rejections(session: Session, access: ProjectAccess, import_id: int, after: int | None,
               limit: int) -> list[ImportRejection]:
    """A page of an import's rejected rows, in upload order."""
    return repository.rejections(session, get_import(session, access, import_id).id, after, limit)


def resume(session: Session, settings: Settings, access: ProjectAccess, import_id: int) -> ImportJob:
    """Queue a failed import again; it continues after the last row it committed."""
    job = get_import(session, access, import_id)
    if job.status != JobStatus.failed:
        raise Conflict(f"the import is {job.status.value}; only a failed import can be resumed", field="path.import_id")
    if not upload_path(settings, job).is_file():
        raise Conflict("the upload is gone; start a new import", field="path.import_id")
    job.status, job.error, job.attempts, job.finished_at = JobStatus.pending, None, 0, None
    session.flush()
    return job


def delete_import(session: Session, settings: Settings, access: ProjectAccess, import_id: int) -> None:
    """Forget an import that is not running, and its upload (the annotations it wrote stay)."""
    job = get_import(session, access, import_id)
    if job.status == JobStatus.running:
        raise Conflict("the import is running; delete it once it has finished", field="path.import_id")
    session.delete(job)
    session.flush()
    uploads.remove(settings, job.upload_dir)


def record_outcome(session: Session, job: ImportJob) -> None:
    """``import.completed`` or ``import.failed`` for a finished job."""
    ok = job.status == JobStatus.succeeded
    counts = job.counts or {}
    payload = {"import_id": job.id, "format": job.format, "rows": counts.get("rows", 0),
               "annotations": counts.get("annotations", 0), "rejected": counts.get("rejected", 0)}
    if not ok:
        payload["error"] = job.error
    record(session, "import.completed" if ok else "import.failed", project_id=job.project_id,
           actor_id=job.created_by_id, payload=payload)
