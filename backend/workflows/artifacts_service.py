"""Step artifacts: the workflow service stores files a step produced; project members list and download them.

Bytes go to the media storage under a content-addressed key (``artifacts/p{project}/{sha256}``), so a
retried upload or a rolled-back transaction leaves nothing inconsistent behind; the row names them.
"""

from __future__ import annotations

import hashlib
import mimetypes
from typing import BinaryIO

from sqlalchemy.orm import Session

from backend.core.errors import NotFound, PayloadTooLarge, ValidationFailed
from backend.core.types import utcnow
from backend.files.storage import Storage
from backend.projects.deps import ProjectAccess
from backend.workflows import artifacts_repository as repo
from backend.workflows import runs_repository
from backend.workflows.artifact_schemas import ARTIFACT_NAME, ArtifactRead
from backend.workflows.models import WorkflowArtifact

_CHUNK = 1024 * 1024


def read_model(a: WorkflowArtifact) -> ArtifactRead:
    """The API shape of an artifact, with its download URL."""
    url = f"/api/v1/projects/{a.project_id}/workflow-runs/{a.run_id}/artifacts/{a.id}/content"
    return ArtifactRead(id=a.id, run_id=a.run_id, step_key=a.step_key, name=a.name, media_type=a.media_type,
                        size_bytes=a.size_bytes, sha256=a.sha256, created_at=a.created_at, content_url=url)


def media_type_of(name: str, given: str | None) -> str:
    """The declared type, or one guessed from the name (``report.html`` → text/html)."""
    if given and given != "application/octet-stream":
        return given.split(";")[0].strip()
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def store(session: Session, storage: Storage, run_id: int, step_key: str, name: str, stream: BinaryIO,
          media_type: str | None, max_bytes: int) -> ArtifactRead:
    """Store (or replace) the artifact ``name`` of a step; the run must exist."""
    if not ARTIFACT_NAME.match(name):
        raise ValidationFailed("an artifact name is a plain file name (letters, digits, . _ -)", field="path.name")
    found = runs_repository.get_run(session, run_id)
    if found is None:
        raise NotFound("workflow run not found", field="path.run_id")
    run = found[0]
    data = bytearray()
    while chunk := stream.read(_CHUNK):
        data += chunk
        if len(data) > max_bytes:
            raise PayloadTooLarge(f"an artifact may have at most {max_bytes} bytes")
    digest = hashlib.sha256(data).hexdigest()
    key = f"artifacts/p{run.project_id}/{digest[:2]}/{digest}"
    if not storage.exists(key):
        storage.put_bytes(key, bytes(data))
    row = repo.save(session, repo.find(session, run_id, step_key, name), project_id=run.project_id, run_id=run_id,
                    step_key=step_key, name=name, media_type=media_type_of(name, media_type),
                    size_bytes=len(data), sha256=digest, storage_key=key, created_at=utcnow())
    return read_model(row)


def list_for_run(session: Session, access: ProjectAccess, run_id: int) -> list[ArtifactRead]:
    """The artifacts of a run of the project, by step and name."""
    if runs_repository.get_run(session, run_id, access.project.id) is None:
        raise NotFound("workflow run not found", field="path.run_id")
    return [read_model(a) for a in repo.of_run(session, run_id)]


def get(session: Session, access: ProjectAccess, run_id: int, artifact_id: int) -> WorkflowArtifact:
    """One artifact of a run of the project (404 otherwise)."""
    found = repo.get(session, access.project.id, run_id, artifact_id)
    if found is None:
        raise NotFound("artifact not found", field="path.artifact_id")
    return found
