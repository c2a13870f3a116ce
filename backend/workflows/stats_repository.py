"""SQL for workflow statistics: counts grouped in the database, recent durations for percentiles."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeAlias

from sqlalchemy import Row, case, func, select
from sqlalchemy.orm import Session

from backend.workflows.models import RunStatus, StepStatus, WorkflowRun, WorkflowStep

AnyRow: TypeAlias = "Row[*tuple[Any, ...]]"


def by_status(session: Session, workflow_id: int) -> list[AnyRow]:
    """(status, runs, items) per run status."""
    stmt = (select(WorkflowRun.status, func.count(), func.coalesce(func.sum(WorkflowRun.items), 0))
            .where(WorkflowRun.workflow_id == workflow_id).group_by(WorkflowRun.status))
    return list(session.execute(stmt).all())


def run_durations(session: Session, workflow_id: int, limit: int) -> list[AnyRow]:
    """(started_at, created_at, finished_at) of the newest ``limit`` finished runs."""
    stmt = (select(WorkflowRun.started_at, WorkflowRun.created_at, WorkflowRun.finished_at)
            .where(WorkflowRun.workflow_id == workflow_id, WorkflowRun.finished_at.is_not(None),
                   WorkflowRun.status != RunStatus.cancelled)
            .order_by(WorkflowRun.id.desc()).limit(limit))
    return list(session.execute(stmt).all())


def per_day(session: Session, workflow_id: int, since: datetime) -> list[AnyRow]:
    """(UTC day, status, runs) for runs created since ``since``."""
    dialect = session.get_bind().dialect.name
    # SQLite keeps UTC text, so date() is the UTC day; PostgreSQL must be told to use UTC, not the session zone.
    day = (func.date(func.timezone("UTC", WorkflowRun.created_at)) if dialect == "postgresql"
           else func.date(WorkflowRun.created_at))
    stmt = (select(day.label("day"), WorkflowRun.status, func.count())
            .where(WorkflowRun.workflow_id == workflow_id, WorkflowRun.created_at >= since)
            .group_by(day, WorkflowRun.status))
    return list(session.execute(stmt).all())


def step_counts(session: Session, workflow_id: int) -> list[AnyRow]:
    """(key, runs that have the step, of which failed) per step key."""
    failed = func.sum(case((WorkflowStep.status == StepStatus.failed, 1), else_=0))
    stmt = (select(WorkflowStep.key, func.count(), func.coalesce(failed, 0))
            .join(WorkflowRun, WorkflowRun.id == WorkflowStep.run_id)
            .where(WorkflowRun.workflow_id == workflow_id).group_by(WorkflowStep.key).order_by(WorkflowStep.key))
    return list(session.execute(stmt).all())


def step_durations(session: Session, workflow_id: int, limit: int) -> list[AnyRow]:
    """(key, started_at, finished_at) of the newest ``limit`` steps that ran and succeeded or failed."""
    stmt = (select(WorkflowStep.key, WorkflowStep.started_at, WorkflowStep.finished_at)
            .join(WorkflowRun, WorkflowRun.id == WorkflowStep.run_id)
            .where(WorkflowRun.workflow_id == workflow_id, WorkflowStep.started_at.is_not(None),
                   WorkflowStep.finished_at.is_not(None),
                   WorkflowStep.status.in_((StepStatus.succeeded, StepStatus.failed)))
            .order_by(WorkflowStep.id.desc()).limit(limit))
    return list(session.execute(stmt).all())
