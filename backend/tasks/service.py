"""Task rules: bulk creation, visibility, the per-annotator queue and progress reports."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.core.errors import Conflict, FieldError, NotFound, ValidationFailed
from backend.core.pagination import Page, PageParams, make_page
from backend.events.service import record, record_many
from backend.files import repository as files_repo
from backend.projects.deps import ProjectAccess
from backend.projects.models import Role
from backend.tasks import repository
from backend.tasks.models import Task, TaskKind, TaskStatus
from backend.tasks.schemas import (
    AssigneeProgress,
    KindProgress,
    SchemaProgress,
    StatusCounts,
    TaskCreate,
    TaskNextRequest,
    TaskProgress,
    TaskRead,
    TaskSkipped,
)
from backend.tasks.transitions import ACTING_ROLES, OPEN_STATUSES, actions_for


def event_payload(task: Task, **extra: Any) -> dict[str, Any]:
    """What every task event carries: ids and the state after the change."""
    return {"task_id": task.id, "file_id": task.file_id, "schema_id": task.schema_id, "kind": task.kind.value,
            "status": task.status.value, "assignee_id": task.assignee_id, "reviewer_id": task.reviewer_id,
            "parent_task_id": task.parent_task_id, "version": task.version, **extra}


class KeyTaken(Exception):
    """Another request created the task with this external key first."""


def fail(errors: list[FieldError]) -> ValidationFailed:
    """One 422 naming every offending field."""
    message = errors[0].message + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else "")
    return ValidationFailed(message, fields=errors)


def assignee_error(session: Session, project_id: int, user_id: int, field: str) -> FieldError | None:
    """Why ``user_id`` cannot be given tasks in this project, or None if they can."""
    role = repository.member_role(session, project_id, user_id)
    if role is None:
        return FieldError(field=field, message=f"user {user_id} is not an active member of this project")
    if role not in ACTING_ROLES:
        return FieldError(field=field, message=f"user {user_id} is a {role.value}, who may not work on tasks")
    return None


def task_with_key(session: Session, access: ProjectAccess, data: TaskCreate) -> Task | None:
    """The project's task already created with ``data.external_key`` (None: none yet, or no key given)."""
    if data.external_key is None:
        return None
    if len(data.file_ids) != 1:
        raise ValidationFailed("an external_key names one task: give exactly one file id", field="body.external_key")
    return repository.task_by_external_key(session, access.project.id, data.external_key)


def create_tasks(session: Session, access: ProjectAccess, data: TaskCreate) -> tuple[list[Task],
                                                                                    list[TaskSkipped]]:
    """One task per file; files that already have an open task of this kind and schema are skipped.

    With ``external_key`` (one file) use ``create_tasks_once``; here a key taken by a concurrent request
    raises ``KeyTaken``.
    """
    project_id = access.project.id
    errors: list[FieldError] = []
    live = files_repo.live_ids(session, project_id, data.file_ids)
    errors += [FieldError(field=f"body.file_ids.{i}", message=f"file {fid} is not a file of this project")
               for i, fid in enumerate(data.file_ids) if fid not in live]
    if not repository.schema_in_project(session, project_id, data.schema_id):
        errors.append(FieldError(field="body.schema_id", message="no such label schema in this project"))
    if data.assignee_id is not None:
        problem = assignee_error(session, project_id, data.assignee_id, "body.assignee_id")
        errors += [problem] if problem else []
    if data.parent_task_id is not None:
        parent = repository.get_task(session, project_id, data.parent_task_id)
        if parent is None:
            errors.append(FieldError(field="body.parent_task_id", message="no such task in this project"))
        elif any(fid != parent.file_id for fid in data.file_ids):
            errors.append(FieldError(field="body.parent_task_id",
                                     message=f"the parent task is about file {parent.file_id} only"))
    if errors:
        raise fail(errors)

    existing = repository.open_tasks_by_file(session, project_id, data.schema_id, data.kind,
                                             set(data.file_ids), OPEN_STATUSES[data.kind])
    fresh: dict[int, None] = {}  # ordered set: tasks are created in the order the files were listed
    repeated: list[int] = []
    for fid in data.file_ids:
        if fid not in existing:
            if fid in fresh:
                repeated.append(fid)
            fresh[fid] = None
    tasks = [Task(project_id=project_id, file_id=fid, schema_id=data.schema_id, kind=data.kind,
                  status=TaskStatus.available, assignee_id=data.assignee_id, priority=data.priority,
                  parent_task_id=data.parent_task_id, created_by_id=access.user.id, version=1,
                  external_key=data.external_key)
             for fid in fresh]
    session.add_all(tasks)
    if data.external_key is None:
        session.flush()
    else:
        try:
            with session.begin_nested():
                session.flush()
        except IntegrityError as exc:  # the key was taken by a concurrent request
            raise KeyTaken(data.external_key) from exc
    created = {t.file_id: t.id for t in tasks}
    skipped = [TaskSkipped(file_id=fid, existing_task_id=existing[fid], reason="an open task already exists")
               for fid in data.file_ids if fid in existing]
    skipped += [TaskSkipped(file_id=fid, existing_task_id=created[fid], reason="file listed more than once")
                for fid in repeated]
    record_many(session, "task.created", project_id=project_id, actor_id=access.user.id,
                payloads=[event_payload(t, priority=t.priority) for t in tasks])
    if data.assignee_id is not None:
        record_many(session, "task.assigned", project_id=project_id, actor_id=access.user.id,
                    payloads=[event_payload(t) for t in tasks])
    return tasks, skipped


def create_tasks_once(session: Session, access: ProjectAccess,
                      data: TaskCreate) -> tuple[list[Task], list[TaskSkipped], bool]:
    """``create_tasks``, idempotent by ``external_key``: ([the task made with it], [], True) when it exists."""
    existing = task_with_key(session, access, data)
    if existing is None:
        try:
            tasks, skipped = create_tasks(session, access, data)
            return tasks, skipped, False
        except KeyTaken:
            existing = task_with_key(session, access, data)
            if existing is None:  # the other request rolled back after all
                raise Conflict("another request is creating a task with this external_key; retry",
                               field="body.external_key") from None
    return [existing], [], True


def can_see(access: ProjectAccess, task: Task) -> bool:
    """Annotators see their own tasks and the open queue; every other role sees all."""
    if access.role != Role.annotator:
        return True
    return task.assignee_id == access.user.id or (task.status == TaskStatus.available
                                                  and task.assignee_id is None)


def visible_task(session: Session, access: ProjectAccess, task_id: int) -> Task:
    """The task, or 404 if it is not in the project or not visible to the caller."""
    task = repository.get_task(session, access.project.id, task_id)
    if task is None or not can_see(access, task):
        raise NotFound("task not found", field="path.task_id")
    return task


def read(task: Task, access: ProjectAccess) -> TaskRead:
    """The task as the caller sees it, with the actions they may take now."""
    return TaskRead.model_validate(task).model_copy(update={
        "actions": actions_for(task.kind, task.status, access.role, access.user.id, task.assignee_id)})


def list_tasks(session: Session, access: ProjectAccess, page: PageParams, *, statuses: Iterable[TaskStatus],
               kind: TaskKind | None, assignee: str | None, file_id: int | None,
               schema_id: int | None) -> Page[TaskRead]:
    """A page of tasks, filtered; ``assignee`` is a user id, ``me`` or ``none``."""
    assignee_id: int | None = None
    if assignee == "me":
        assignee_id = access.user.id
    elif assignee is not None and assignee != "none":
        if not assignee.isdigit():
            raise ValidationFailed("a user id, 'me' or 'none'", field="query.assignee_id")
        assignee_id = int(assignee)
    if page.after is not None and not isinstance(page.after, int):
        raise ValidationFailed("malformed cursor", field="query.cursor")
    flt = repository.TaskFilter(
        statuses=tuple(statuses), kind=kind, assignee_id=assignee_id, unassigned=assignee == "none",
        file_id=file_id, schema_id=schema_id,
        visible_to=access.user.id if access.role == Role.annotator else None)
    rows = repository.list_tasks(session, access.project.id, flt, page.after, page.limit + 1)
    return make_page(rows, page, lambda t: read(t, access), lambda t: t.id)


def next_task(session: Session, access: ProjectAccess, data: TaskNextRequest) -> Task | None:
    """The caller's next piece of work: their own open task first, else a freshly claimed one."""
    project_id, user_id = access.project.id, access.user.id
    if data.schema_id is not None and not repository.schema_in_project(session, project_id, data.schema_id):
        raise ValidationFailed("no such label schema in this project", field="body.schema_id")
    kinds = [data.kind] if data.kind else [TaskKind.annotate, TaskKind.review]
    own = repository.in_hand(session, project_id, user_id, kinds, data.schema_id)
    if own is not None:
        return own
    for _ in range(3):  # an assigned task may change under us (reassigned, started): look again
        assigned = repository.assigned_available(session, project_id, user_id, kinds, data.schema_id)
        if assigned is None:
            break
        started = repository.update_if_version(session, assigned.id, assigned.version,
                                               {"status": TaskStatus.in_progress})
        if started is not None:
            record(session, "task.started", project_id=project_id, actor_id=user_id,
                   payload=event_payload(started, from_status=TaskStatus.available.value))
            return started
    for kind in kinds:
        claimed = repository.claim(session, project_id, kind, data.schema_id, user_id)
        if claimed is not None:
            for type_ in ("task.assigned", "task.started"):
                record(session, type_, project_id=project_id, actor_id=user_id,
                       payload=event_payload(claimed, from_status=TaskStatus.available.value))
            return claimed
    return None


def _add(counts: StatusCounts, status: TaskStatus, n: int) -> None:
    counts.total += n
    counts.by_status[status] += n


def progress(session: Session, project_id: int) -> TaskProgress:
    """Counts by status overall, per kind, per schema and per assignee (one GROUP BY query)."""
    overall = TaskProgress(by_kind=[KindProgress(kind=k) for k in TaskKind], by_schema=[], by_assignee=[])
    kinds = {k.kind: k for k in overall.by_kind}
    schemas: dict[int, SchemaProgress] = {}
    people: dict[int | None, AssigneeProgress] = {}
    for schema_id, schema_name, assignee_id, user_name, kind, status, n in repository.progress_rows(
            session, project_id):
        _add(overall, status, n)
        _add(kinds[kind], status, n)
        _add(schemas.setdefault(schema_id, SchemaProgress(schema_id=schema_id, name=schema_name)), status, n)
        _add(people.setdefault(assignee_id, AssigneeProgress(assignee_id=assignee_id, name=user_name)),
             status, n)
    overall.by_schema = sorted(schemas.values(), key=lambda s: s.schema_id)
    overall.by_assignee = sorted(people.values(), key=lambda p: (p.assignee_id is None, p.assignee_id or 0))
    return overall
