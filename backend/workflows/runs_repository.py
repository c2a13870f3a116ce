"""SQL for workflow runs and steps: reads, and the set-based writes of the workflow service's batches."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any, TypeAlias

from sqlalchemy import ColumnElement, Row, Table, bindparam, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from backend.files.models import File
from backend.workflows.models import (
    STEP_TERMINAL,
    RunStatus,
    Workflow,
    WorkflowRun,
    WorkflowStep,
    WorkflowVersion,
)

RUNS: Table = WorkflowRun.__table__  # type: ignore[assignment]
STEPS: Table = WorkflowStep.__table__  # type: ignore[assignment]

# What the report needs of a run and of a step (no input, output or logs: those can be large).
RUN_STATE = (WorkflowRun.id, WorkflowRun.project_id, WorkflowRun.workflow_id, WorkflowRun.version_id,
             WorkflowVersion.number, WorkflowRun.status, WorkflowRun.cancel_requested, WorkflowRun.started_at,
             WorkflowRun.finished_at, WorkflowRun.items, WorkflowRun.error)
STEP_STATE = (WorkflowStep.id, WorkflowStep.run_id, WorkflowStep.key, WorkflowStep.instance, WorkflowStep.block,
              WorkflowStep.queue, WorkflowStep.status, WorkflowStep.attempts, WorkflowStep.summary,
              WorkflowStep.error, WorkflowStep.items, WorkflowStep.queued_at, WorkflowStep.started_at,
              WorkflowStep.finished_at)

AnyRow: TypeAlias = "Row[*tuple[Any, ...]]"


def get_run(session: Session, run_id: int, project_id: int | None = None,
            *, lock: bool = False) -> tuple[WorkflowRun, int] | None:
    """A run with its version number (only in ``project_id`` when given; ``lock``: FOR UPDATE)."""
    found = get_run_version(session, run_id, project_id, lock=lock)
    return (found[0], found[1].number) if found is not None else None


def get_run_version(session: Session, run_id: int, project_id: int | None = None,
                    *, lock: bool = False) -> tuple[WorkflowRun, WorkflowVersion] | None:
    """A run with its version (only in ``project_id`` when given; ``lock``: FOR UPDATE of the run)."""
    stmt = (select(WorkflowRun, WorkflowVersion)
            .join(WorkflowVersion, WorkflowVersion.id == WorkflowRun.version_id).where(WorkflowRun.id == run_id))
    if project_id is not None:
        stmt = stmt.where(WorkflowRun.project_id == project_id)
    if lock:
        stmt = stmt.with_for_update(of=WorkflowRun).execution_options(populate_existing=True)
    row = session.execute(stmt).first()
    return (row[0], row[1]) if row is not None else None


def list_runs(session: Session, workflow_id: int, statuses: Collection[RunStatus], before: int | None,
              limit: int) -> list[tuple[WorkflowRun, int]]:
    """Up to ``limit`` runs of a workflow, newest first, with id below ``before``."""
    stmt = (select(WorkflowRun, WorkflowVersion.number)
            .join(WorkflowVersion, WorkflowVersion.id == WorkflowRun.version_id)
            .where(WorkflowRun.workflow_id == workflow_id).order_by(WorkflowRun.id.desc()).limit(limit))
    if statuses:
        stmt = stmt.where(WorkflowRun.status.in_(statuses))
    if before is not None:
        stmt = stmt.where(WorkflowRun.id < before)
    return [(r, n) for r, n in session.execute(stmt).all()]


def steps_of(session: Session, run_id: int) -> list[WorkflowStep]:
    """A run's steps in the order they were created."""
    stmt = select(WorkflowStep).where(WorkflowStep.run_id == run_id)
    return list(session.scalars(stmt.order_by(WorkflowStep.created_at, WorkflowStep.id)))


def active_runs(session: Session, statuses: Collection[RunStatus], after_id: int, limit: int) -> list[WorkflowRun]:
    """Runs in these statuses with id above ``after_id``, in id order (for the service's recovery)."""
    stmt = (select(WorkflowRun).where(WorkflowRun.status.in_(statuses), WorkflowRun.id > after_id)
            .order_by(WorkflowRun.id).limit(limit))
    return list(session.scalars(stmt))


def cancel_open_steps(session: Session, run_id: int, values: dict[str, Any]) -> None:
    """Write ``values`` to every step of the run that has not finished."""
    stmt = (update(WorkflowStep).where(WorkflowStep.run_id == run_id, WorkflowStep.status.not_in(STEP_TERMINAL))
            .values(**values).execution_options(synchronize_session=False))
    session.execute(stmt)


# -- the report: load everything in two or three SELECTs, write in one statement per kind -------------------
def lock_run_states(session: Session, run_ids: Collection[int]) -> dict[int, AnyRow]:
    """Run states by id, locked FOR UPDATE in id order (concurrent reports on one run take turns)."""
    if not run_ids:
        return {}
    stmt = (select(*RUN_STATE).join(WorkflowVersion, WorkflowVersion.id == WorkflowRun.version_id)
            .where(WorkflowRun.id.in_(run_ids)).order_by(WorkflowRun.id).with_for_update(of=WorkflowRun))
    return {row.id: row for row in session.execute(stmt)}


def step_states(session: Session, run_ids: Collection[int]) -> dict[tuple[int, str], AnyRow]:
    """The steps of these runs by (run id, key)."""
    if not run_ids:
        return {}
    stmt = select(*STEP_STATE).where(WorkflowStep.run_id.in_(run_ids))
    return {(row.run_id, row.key): row for row in session.execute(stmt)}


def step_logs(session: Session, step_ids: Collection[int]) -> dict[int, str]:
    """The stored logs of these steps."""
    if not step_ids:
        return {}
    stmt = select(WorkflowStep.id, WorkflowStep.logs).where(WorkflowStep.id.in_(step_ids))
    return {row.id: row.logs or "" for row in session.execute(stmt)}


def insert_steps(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Insert new steps (one executemany; every row has the same keys)."""
    if rows:
        session.execute(insert(STEPS), list(rows))


def update_by_id(session: Session, table: Table, rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> None:
    """Write ``columns`` of each row (which carries its ``id``) in one executemany UPDATE."""
    if not rows:
        return
    stmt = (update(table).where(table.c.id == bindparam("_id"))
            .values({c: bindparam(f"_{c}", type_=table.c[c].type) for c in columns}))
    session.execute(stmt, [{"_id": r["id"], **{f"_{c}": r[c] for c in columns}} for r in rows])


# -- run creation -------------------------------------------------------------------------------------------
def versions_with_workflows(session: Session, version_ids: Collection[int]) -> dict[int, AnyRow]:
    """version id → (version_id, number, workflow_id, project_id, enabled)."""
    if not version_ids:
        return {}
    stmt = (select(WorkflowVersion.id.label("version_id"), WorkflowVersion.number, Workflow.id.label("workflow_id"),
                   Workflow.project_id, Workflow.enabled)
            .join(Workflow, Workflow.id == WorkflowVersion.workflow_id).where(WorkflowVersion.id.in_(version_ids)))
    return {row.version_id: row for row in session.execute(stmt)}


def runs_by_key(session: Session, keys: Collection[tuple[int, str]]) -> dict[tuple[int, str], AnyRow]:
    """Existing runs by (version id, trigger key): (id, version_id, trigger_key, status)."""
    if not keys:
        return {}
    versions = {v for v, _ in keys}
    triggers = {k for _, k in keys}
    stmt = (select(WorkflowRun.id, WorkflowRun.version_id, WorkflowRun.trigger_key, WorkflowRun.status)
            .where(WorkflowRun.version_id.in_(versions), WorkflowRun.trigger_key.in_(triggers)))
    found = {(row.version_id, row.trigger_key): row for row in session.execute(stmt)}
    return {k: v for k, v in found.items() if k in keys}


def insert_runs(session: Session, rows: Sequence[dict[str, Any]]) -> dict[tuple[int, str], int]:
    """Insert runs, skipping any whose (version, trigger key) exists by now; (version, key) → new id."""
    if not rows:
        return {}
    dialect = session.get_bind().dialect.name
    make = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (make(RUNS).values(list(rows)).on_conflict_do_nothing(index_elements=["version_id", "trigger_key"])
            .returning(RUNS.c.id, RUNS.c.version_id, RUNS.c.trigger_key))
    return {(row.version_id, row.trigger_key): row.id for row in session.execute(stmt)}


def matching_file_ids(session: Session, project_id: int, condition: ColumnElement[bool],
                      file_ids: Collection[int]) -> set[int]:
    """Which of these live files of the project satisfy a compiled query condition."""
    if not file_ids:
        return set()
    stmt = select(File.id).where(File.project_id == project_id, File.deleted_at.is_(None),
                                 File.id.in_(file_ids), condition)
    return set(session.scalars(stmt))

