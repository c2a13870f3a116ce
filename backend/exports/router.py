"""HTTP: exports — start one (202), poll it, download the output, list and delete them.

A client (the workflow service's ``export`` block, the SDK, the browser) creates an export,
polls ``GET .../exports/{id}`` until ``status`` is ``succeeded`` or ``failed``, then downloads
``download_url`` (or finds the object in its bucket). Viewers and up may export; writing into a
storage connection needs editor or admin.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, status
from fastapi.responses import FileResponse

from backend.core.deps import SessionDep, SettingsDep
from backend.core.pagination import Page, PageDep, make_page
from backend.exports import service
from backend.exports.formats import FORMATS
from backend.exports.models import ExportJob
from backend.exports.schemas import ExportCreate, ExportFormatRead, ExportRead, Progress, StorageTarget
from backend.jobs.models import JobStatus
from backend.projects.deps import Reader

router = APIRouter(tags=["exports"])
_BASE = "/projects/{project_id}/exports"


def _read(request: Request, job: ExportJob) -> ExportRead:
    download = None
    if job.status == JobStatus.succeeded and job.destination == "download":
        download = str(request.url_for("download_export", project_id=job.project_id, export_id=job.id).path)
    target = (StorageTarget(connection_id=job.connection_id, key=job.object_key or "")
              if job.destination == "storage" else None)
    return ExportRead(
        id=job.id, project_id=job.project_id, format=job.format,
        query=job.query, dataset_id=job.dataset_id, dataset_name=job.dataset_name, schema_id=job.schema_id,
        as_of=job.as_of, include_media=bool(job.options.get("include_media")),
        destination=job.destination,
        status=job.status, progress=Progress(done=job.progress_done, total=job.progress_total), error=job.error,
        file_name=job.file_name, content_type=job.content_type, size_bytes=job.size_bytes, sha256=job.sha256,
        stats=job.stats, download_url=download, storage=target, attempts=job.attempts,
        created_by_id=job.created_by_id, created_at=job.created_at, started_at=job.started_at,
        finished_at=job.finished_at)


@router.get("/export-formats", response_model=list[ExportFormatRead], summary="The export formats")
def export_formats() -> list[ExportFormatRead]:
    return [ExportFormatRead(name=f.name, title=f.title, needs_schema=f.needs_schema, extension=f.extension)
            for f in FORMATS.values()]


@router.post(_BASE, response_model=ExportRead, status_code=status.HTTP_202_ACCEPTED,
             summary="Start an export (a snapshot as of a time; written in the background)")
def create_export(body: ExportCreate, access: Reader, session: SessionDep, request: Request) -> ExportRead:
    return _read(request, service.create_export(session, access, body))


@router.get(_BASE, response_model=Page[ExportRead], summary="The project's exports, newest first")
def list_exports(access: Reader, session: SessionDep, page: PageDep, request: Request) -> Page[ExportRead]:
    rows = service.list_exports(session, access, page.after, page.limit + 1)
    return make_page(rows, page, lambda j: _read(request, j), lambda j: j.id)


@router.get(_BASE + "/{export_id}", response_model=ExportRead,
            summary="One export: status, progress (files done / total), error, size, download URL")
def get_export(export_id: int, access: Reader, session: SessionDep, request: Request) -> ExportRead:
    return _read(request, service.get_export(session, access, export_id))


@router.get(_BASE + "/{export_id}/download", response_class=FileResponse, name="download_export",
            summary="The export's output, streamed (409 until it has succeeded)",
            responses={200: {"content": {"application/octet-stream": {}}}})
def download_export(export_id: int, access: Reader, session: SessionDep, settings: SettingsDep) -> FileResponse:
    job = service.downloadable(settings, session, access, export_id)
    return FileResponse(service.output_path(settings, job), media_type=job.content_type, filename=job.file_name,
                        headers={"etag": f'"{job.sha256}"', "x-content-type-options": "nosniff"})


@router.delete(_BASE + "/{export_id}", status_code=status.HTTP_204_NO_CONTENT,
               summary="Delete an export and its output (not while it runs)")
def delete_export(export_id: int, access: Reader, session: SessionDep, settings: SettingsDep) -> None:
    service.delete_export(session, settings, access, export_id)
