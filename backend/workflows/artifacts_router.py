"""HTTP: step artifacts — the workflow service uploads them, project members (not annotators) read them.

An HTML report (Deepchecks') is served as a sandboxed document: its scripts run (the charts need them)
in an opaque origin, so they cannot read the user's session or call the API as them.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Path, Request, Response, UploadFile, status

from backend.core.deps import SessionDep, SettingsDep
from backend.files import media
from backend.files.deps import StorageDep
from backend.workflows import artifacts_service as service
from backend.workflows.artifact_schemas import ArtifactRead
from backend.workflows.deps import ServiceAccount, WorkflowReader

router = APIRouter(tags=["workflows"])
RunId = Annotated[int, Path(ge=1)]
# Scripts and inline styles of the report itself, nothing from elsewhere; no same-origin access (sandbox).
HTML_POLICY = ("sandbox allow-scripts allow-popups; default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval' "
               "blob:; style-src 'unsafe-inline'; img-src data: blob:; font-src data:")


@router.put("/service/workflow-runs/{run_id}/artifacts/{step_key}/{name}", response_model=ArtifactRead,
            tags=["workflow service"], status_code=status.HTTP_200_OK,
            summary="Store a file a step produced (multipart field 'file'; replaces the same name; service only)")
def upload_artifact(run_id: RunId, step_key: Annotated[str, Path(min_length=1, max_length=200)],
                    name: Annotated[str, Path(min_length=1, max_length=200)],
                    file: Annotated[UploadFile, File(description="the bytes; its content type is kept")],
                    _: ServiceAccount, session: SessionDep, storage: StorageDep,
                    settings: SettingsDep) -> ArtifactRead:
    return service.store(session, storage, run_id, step_key, name, file.file, file.content_type,
                         settings.max_file_bytes)


@router.get("/projects/{project_id}/workflow-runs/{run_id}/artifacts", response_model=list[ArtifactRead],
            summary="The files a run's steps produced (reports, metrics)")
def list_artifacts(run_id: RunId, access: WorkflowReader, session: SessionDep) -> list[ArtifactRead]:
    return service.list_for_run(session, access, run_id)


@router.get("/projects/{project_id}/workflow-runs/{run_id}/artifacts/{artifact_id}", response_model=ArtifactRead,
            summary="One artifact")
def get_artifact(run_id: RunId, artifact_id: Annotated[int, Path(ge=1)], access: WorkflowReader,
                 session: SessionDep) -> ArtifactRead:
    return service.read_model(service.get(session, access, run_id, artifact_id))


@router.get("/projects/{project_id}/workflow-runs/{run_id}/artifacts/{artifact_id}/content",
            response_class=Response, summary="An artifact's bytes (HTML reports open sandboxed)",
            responses={200: {"content": {"text/html": {}, "application/json": {}}},
                       304: {"description": "not modified"}})
def artifact_content(run_id: RunId, artifact_id: Annotated[int, Path(ge=1)], request: Request,
                     access: WorkflowReader, session: SessionDep, storage: StorageDep) -> Response:
    found = service.get(session, access, run_id, artifact_id)
    response = media.serve(request, storage, found.storage_key, etag=f'"{found.sha256}"',
                           media_type=found.media_type, filename=found.name)
    if found.media_type == "text/html":
        response.headers["content-security-policy"] = HTML_POLICY
    return response
