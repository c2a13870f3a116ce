"""SQL for step artifacts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.workflows.models import WorkflowArtifact


def find(session: Session, run_id: int, step_key: str, name: str) -> WorkflowArtifact | None:
    """The artifact a step stored under ``name``."""
    return session.scalars(select(WorkflowArtifact).where(
        WorkflowArtifact.run_id == run_id, WorkflowArtifact.step_key == step_key,
        WorkflowArtifact.name == name)).one_or_none()


def get(session: Session, project_id: int, run_id: int, artifact_id: int) -> WorkflowArtifact | None:
    """One artifact of a run of the project."""
    return session.scalars(select(WorkflowArtifact).where(
        WorkflowArtifact.id == artifact_id, WorkflowArtifact.run_id == run_id,
        WorkflowArtifact.project_id == project_id)).one_or_none()


def of_run(session: Session, run_id: int) -> list[WorkflowArtifact]:
    """A run's artifacts by step, then name."""
    return list(session.scalars(select(WorkflowArtifact).where(WorkflowArtifact.run_id == run_id)
                                .order_by(WorkflowArtifact.step_key, WorkflowArtifact.name)))


def save(session: Session, found: WorkflowArtifact | None, **values: Any) -> WorkflowArtifact:
    """Insert an artifact, or replace what an earlier attempt of the step stored under the same name."""
    row = found or WorkflowArtifact()
    for name, value in values.items():
        setattr(row, name, value)
    session.add(row)
    session.flush()
    return row
