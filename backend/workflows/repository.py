"""SQL for workflow definitions, their versions and the block catalogue."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from backend.workflows.models import BlockCatalogueEntry, Workflow, WorkflowRun, WorkflowVersion

Current = tuple[Workflow, WorkflowVersion]


def _with_current() -> Any:
    return select(Workflow, WorkflowVersion).join(
        WorkflowVersion, (WorkflowVersion.workflow_id == Workflow.id)
        & (WorkflowVersion.number == Workflow.current_version))


def get_current(session: Session, project_id: int, workflow_id: int, *, lock: bool = False) -> Current | None:
    """The project's workflow with its current version (``lock``: for a write, FOR UPDATE on PostgreSQL)."""
    stmt = _with_current().where(Workflow.id == workflow_id, Workflow.project_id == project_id)
    if lock:
        stmt = stmt.with_for_update(of=Workflow).execution_options(populate_existing=True)
    row = session.execute(stmt).first()
    return (row[0], row[1]) if row is not None else None


def list_current(session: Session, project_id: int, after: int | None, limit: int) -> list[Current]:
    """Up to ``limit`` of the project's workflows after id ``after``, with their current versions."""
    stmt = _with_current().where(Workflow.project_id == project_id).order_by(Workflow.id).limit(limit)
    if after is not None:
        stmt = stmt.where(Workflow.id > after)
    return [(w, v) for w, v in session.execute(stmt).all()]


def enabled_current(session: Session) -> list[Current]:
    """Every enabled workflow of every project with its current version, in id order."""
    stmt = _with_current().where(Workflow.enabled.is_(True)).order_by(Workflow.id)
    return [(w, v) for w, v in session.execute(stmt).all()]


def last_runs(session: Session, workflow_ids: Collection[int]) -> dict[int, WorkflowRun]:
    """workflow id → its newest run (for those that have one)."""
    if not workflow_ids:
        return {}
    newest = (select(func.max(WorkflowRun.id)).where(WorkflowRun.workflow_id.in_(workflow_ids))
              .group_by(WorkflowRun.workflow_id))
    return {r.workflow_id: r for r in session.scalars(select(WorkflowRun).where(WorkflowRun.id.in_(newest)))}


def name_taken(session: Session, project_id: int, name: str, exclude_id: int | None = None) -> bool:
    """Whether another workflow of the project has this name."""
    stmt = select(Workflow.id).where(Workflow.project_id == project_id, Workflow.name == name)
    if exclude_id is not None:
        stmt = stmt.where(Workflow.id != exclude_id)
    return session.scalar(stmt.limit(1)) is not None


def versions(session: Session, workflow_id: int) -> list[WorkflowVersion]:
    """Every version of a workflow, newest first."""
    stmt = select(WorkflowVersion).where(WorkflowVersion.workflow_id == workflow_id)
    return list(session.scalars(stmt.order_by(WorkflowVersion.number.desc())))


def version(session: Session, workflow_id: int, number: int) -> WorkflowVersion | None:
    """One version of a workflow by number."""
    stmt = select(WorkflowVersion).where(WorkflowVersion.workflow_id == workflow_id,
                                         WorkflowVersion.number == number)
    return session.scalar(stmt)


def delete_workflow(session: Session, workflow_id: int) -> None:
    """Delete a workflow; its versions, runs and steps go with it (ON DELETE CASCADE)."""
    session.execute(delete(Workflow).where(Workflow.id == workflow_id)
                    .execution_options(synchronize_session=False))


# -- the block catalogue ------------------------------------------------------------------------------------
def blocks(session: Session, *, usable_only: bool = False) -> list[BlockCatalogueEntry]:
    """The catalogue sorted by slug (``usable_only``: without blocks whose plugin failed to load)."""
    stmt = select(BlockCatalogueEntry).order_by(BlockCatalogueEntry.slug)
    if usable_only:
        stmt = stmt.where(BlockCatalogueEntry.error.is_(None))
    return list(session.scalars(stmt))


def blocks_by_slug(session: Session, slugs: Collection[str]) -> dict[str, BlockCatalogueEntry]:
    """The catalogue entries with these slugs."""
    if not slugs:
        return {}
    stmt = select(BlockCatalogueEntry).where(BlockCatalogueEntry.slug.in_(slugs))
    return {b.slug: b for b in session.scalars(stmt)}


def delete_blocks_except(session: Session, keep: Sequence[str]) -> None:
    """Remove every catalogue entry whose slug is not in ``keep``."""
    stmt = delete(BlockCatalogueEntry)
    if keep:
        stmt = stmt.where(BlockCatalogueEntry.slug.not_in(keep))
    session.execute(stmt.execution_options(synchronize_session=False))
