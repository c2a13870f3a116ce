"""SQL for tasks, including the race-free conditional writes and the queue claim."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select, update
from sqlalchemy.orm import Session, aliased

from backend.auth.models import User
from backend.label_schemas.models import LabelSchema
from backend.projects.models import Member, Role
from backend.tasks.models import Task, TaskKind, TaskStatus

S = TaskStatus
_candidate = aliased(Task, name="candidate")  # built once: aliasing a mapped class is not free


@dataclass(frozen=True)
class TaskFilter:
    """List filters; ``visible_to`` limits the list to what one annotator may see."""

    statuses: Collection[TaskStatus] = ()
    kind: TaskKind | None = None
    assignee_id: int | None = None
    unassigned: bool = False
    file_id: int | None = None
    schema_id: int | None = None
    visible_to: int | None = None


def schema_in_project(session: Session, project_id: int, schema_id: int) -> bool:
    """Whether the label schema exists and belongs to this project."""
    stmt = select(LabelSchema.id).where(LabelSchema.id == schema_id, LabelSchema.project_id == project_id)
    return session.scalar(stmt) is not None


def member_role(session: Session, project_id: int, user_id: int) -> Role | None:
    """The role of an active user in the project, or None."""
    stmt = (select(Member.role).join(User, User.id == Member.user_id)
            .where(Member.project_id == project_id, Member.user_id == user_id, User.is_active.is_(True)))
    return session.scalar(stmt)


def open_tasks_by_file(session: Session, project_id: int, schema_id: int, kind: TaskKind,
                       file_ids: Collection[int], open_statuses: Collection[TaskStatus]) -> dict[int, int]:
    """file id → id of an open task of this kind and schema on that file."""
    stmt = (select(Task.file_id, func.min(Task.id))
            .where(Task.project_id == project_id, Task.schema_id == schema_id, Task.kind == kind,
                   Task.file_id.in_(file_ids), Task.status.in_(open_statuses))
            .group_by(Task.file_id))
    return dict(session.execute(stmt).all())


def task_by_external_key(session: Session, project_id: int, key: str) -> Task | None:
    """The project's task created with this external key."""
    return session.scalar(select(Task).where(Task.project_id == project_id, Task.external_key == key))


def get_task(session: Session, project_id: int, task_id: int) -> Task | None:
    """The task if it belongs to this project."""
    task = session.get(Task, task_id)
    return task if task is not None and task.project_id == project_id else None


def reload_task(session: Session, task_id: int) -> Task | None:
    """The task as it is in the database now (not as this session last saw it)."""
    return session.get(Task, task_id, populate_existing=True)


def list_tasks(session: Session, project_id: int, f: TaskFilter, after: int | None, limit: int) -> list[Task]:
    """Up to ``limit`` tasks after id ``after``, filtered, in id order."""
    stmt = select(Task).where(Task.project_id == project_id).order_by(Task.id).limit(limit)
    if f.statuses:
        stmt = stmt.where(Task.status.in_(f.statuses))
    if f.kind is not None:
        stmt = stmt.where(Task.kind == f.kind)
    if f.assignee_id is not None:
        stmt = stmt.where(Task.assignee_id == f.assignee_id)
    if f.unassigned:
        stmt = stmt.where(Task.assignee_id.is_(None))
    if f.file_id is not None:
        stmt = stmt.where(Task.file_id == f.file_id)
    if f.schema_id is not None:
        stmt = stmt.where(Task.schema_id == f.schema_id)
    if f.visible_to is not None:
        stmt = stmt.where((Task.assignee_id == f.visible_to)
                          | ((Task.status == S.available) & Task.assignee_id.is_(None)))
    if after is not None:
        stmt = stmt.where(Task.id > after)
    return list(session.scalars(stmt))


def update_if_version(session: Session, task_id: int, version: int, values: Mapping[str, Any]) -> Task | None:
    """Apply ``values`` only if the row still has ``version`` (bumping it); None when it moved on."""
    stmt = (update(Task).where(Task.id == task_id, Task.version == version)
            .values(**values, version=Task.version + 1).returning(Task))
    return _returning_one(session, stmt)


def update_if_status(session: Session, task_id: int, statuses: Collection[TaskStatus],
                     values: Mapping[str, Any]) -> Task | None:
    """Apply ``values`` only while the task is in one of ``statuses`` (bumping its version)."""
    stmt = (update(Task).where(Task.id == task_id, Task.status.in_(statuses))
            .values(**values, version=Task.version + 1).returning(Task))
    return _returning_one(session, stmt)


def in_hand(session: Session, project_id: int, user_id: int, kinds: Collection[TaskKind],
            schema_id: int | None) -> Task | None:
    """The caller's work in hand: an in-progress task first, then one sent back with changes requested."""
    stmt = (select(Task)
            .where(Task.project_id == project_id, Task.kind.in_(kinds), Task.assignee_id == user_id,
                   Task.status.in_((S.in_progress, S.changes_requested)))
            .order_by(case((Task.status == S.in_progress, 0), else_=1), Task.priority.desc(), Task.id)
            .limit(1).execution_options(populate_existing=True))
    if schema_id is not None:
        stmt = stmt.where(Task.schema_id == schema_id)
    return session.scalar(stmt)


def assigned_available(session: Session, project_id: int, user_id: int, kinds: Sequence[TaskKind],
                       schema_id: int | None) -> Task | None:
    """The best available task already assigned to the caller: of the first of ``kinds`` that has one
    (one query for all kinds: ``ix_tasks_queue`` probes, then the few candidates ordered)."""
    kind_order = case({k: i for i, k in enumerate(kinds)}, value=Task.kind)
    stmt = (select(Task)
            .where(Task.project_id == project_id, Task.kind.in_(kinds), Task.status == S.available,
                   Task.assignee_id == user_id)
            .order_by(kind_order, Task.priority.desc(), Task.id).limit(1)
            .execution_options(populate_existing=True))
    if schema_id is not None:
        stmt = stmt.where(Task.schema_id == schema_id)
    return session.scalar(stmt)


def claim(session: Session, project_id: int, kind: TaskKind, schema_id: int | None, user_id: int) -> Task | None:
    """Atomically hand the best available unassigned task to ``user_id``.

    One statement: on PostgreSQL the inner SELECT locks its row with SKIP LOCKED, so concurrent
    claimers each take a different row without waiting; SQLite serializes writers anyway. Ordering
    by ``assignee_id`` (constant here) lets both databases walk ``ix_tasks_queue`` in order.
    """
    q = _candidate
    pick = (select(q.id)
            .where(q.project_id == project_id, q.kind == kind, q.status == S.available, q.assignee_id.is_(None))
            .order_by(q.assignee_id, q.priority.desc(), q.id).limit(1)
            .with_for_update(skip_locked=True))
    if schema_id is not None:
        pick = pick.where(q.schema_id == schema_id)
    # No status test in the outer WHERE: the row is ours (locked, re-checked by the inner SELECT), and
    # on PostgreSQL a test there would see the statement's snapshot, which may predate a release.
    stmt = (update(Task)
            .where(Task.id == pick.scalar_subquery())
            .values(status=S.in_progress, assignee_id=user_id, version=Task.version + 1)
            .returning(Task))
    return _returning_one(session, stmt)


def _returning_one(session: Session, stmt: Any) -> Task | None:
    result = session.execute(stmt, execution_options={"synchronize_session": False, "populate_existing": True})
    task: Task | None = result.scalars().first()
    return task


ProgressRow = tuple[int, str, int | None, str | None, TaskKind, TaskStatus, int]


def progress_rows(session: Session, project_id: int) -> list[ProgressRow]:
    """Task counts grouped by schema, assignee, kind and status, with schema and user names."""
    stmt = (select(Task.schema_id, LabelSchema.name, Task.assignee_id, User.name, Task.kind, Task.status,
                   func.count(Task.id))
            .join(LabelSchema, LabelSchema.id == Task.schema_id)
            .outerjoin(User, User.id == Task.assignee_id)
            .where(Task.project_id == project_id)
            .group_by(Task.schema_id, LabelSchema.name, Task.assignee_id, User.name, Task.kind, Task.status))
    return list(session.execute(stmt).all())


def _utc_day(session: Session, column: Any) -> Any:
    """The UTC calendar day of a timestamp column (PostgreSQL would use the session's time zone)."""
    if session.get_bind().dialect.name == "postgresql":
        return func.date(func.timezone("UTC", column))
    return func.date(column)  # SQLite stores UTC already


ThroughputRow = tuple[str, int | None, Any, int]


def throughput_rows(session: Session, project_id: int, start: datetime) -> list[ThroughputRow]:
    """(measure, assignee id, UTC day, count) of annotate tasks submitted, and approved, since ``start``."""
    out: list[ThroughputRow] = []
    measures = (("submitted", Task.submitted_at, Task.submitted_at.is_not(None)),
                ("approved", Task.completed_at, Task.status == S.approved))
    for measure, column, condition in measures:
        day = _utc_day(session, column)
        stmt = (select(Task.assignee_id, day, func.count(Task.id))
                .where(Task.project_id == project_id, Task.kind == TaskKind.annotate, condition, column >= start)
                .group_by(Task.assignee_id, day))
        out += [(measure, assignee, d, n) for assignee, d, n in session.execute(stmt).all()]
    return out


def user_names(session: Session, user_ids: Collection[int]) -> dict[int, str]:
    """Display names (the email where a user has no name) of these users."""
    rows = session.execute(select(User.id, User.name, User.email).where(User.id.in_(user_ids))).all()
    return {uid: name or email for uid, name, email in rows}
