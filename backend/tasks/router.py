"""HTTP: tasks — bulk creation, lists, the per-annotator queue, actions, progress.

Visibility: admins, editors and viewers see every task of the project; annotators see only the
tasks assigned to them plus the available, unassigned ones (the open queue). A task the caller
may not see answers 404.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status

from backend.auth.deps import CurrentUser
from backend.core.deps import SessionDep
from backend.core.pagination import Page, PageDep
from backend.projects.deps import Annotator, AnyMember, Editor, Reader
from backend.tasks import actions, reports, service
from backend.tasks.models import TaskKind, TaskStatus
from backend.tasks.schemas import (
    TaskActionRequest,
    TaskCreate,
    TaskCreateResult,
    TaskNextRequest,
    TaskProgress,
    TaskRead,
    TaskThroughput,
    TransitionRead,
)
from backend.tasks.transitions import TRANSITIONS

router = APIRouter(tags=["tasks"])

TaskId = Annotated[int, Path(ge=1)]


@router.get("/task-transitions", response_model=list[TransitionRead],
            summary="The task state machine: every legal action, from which statuses, by whom")
def list_transitions(_: CurrentUser) -> list[TransitionRead]:
    """The transition table the server enforces (read-only)."""
    return [TransitionRead(kind=kind, action=action, from_statuses=sorted(rule.sources),
                           to_status=rule.target, who=rule.who, comment_required=rule.comment_required,
                           effects=sorted(rule.effects), event=rule.event)
            for kind, rules in TRANSITIONS.items() for action, rule in rules.items()]


@router.post("/projects/{project_id}/tasks", response_model=TaskCreateResult,
             status_code=status.HTTP_201_CREATED, summary="Create tasks in bulk (one per file)",
             responses={200: {"model": TaskCreateResult,
                              "description": "a task with this external_key exists: it is returned in `created`"}})
def create_tasks(body: TaskCreate, access: Editor, session: SessionDep, response: Response) -> TaskCreateResult:
    """Files that already have an open task of the same kind and schema are skipped and reported.

    With ``external_key`` (one file) the call is idempotent: the task made with that key, if any, is
    answered with 200 instead of creating another.
    """
    tasks, skipped, existed = service.create_tasks_once(session, access, body)
    if existed:
        response.status_code = status.HTTP_200_OK
    return TaskCreateResult(created=[service.read(t, access) for t in tasks], skipped=skipped)


@router.get("/projects/{project_id}/tasks", response_model=Page[TaskRead], summary="Tasks (filtered)")
def list_tasks(
    access: AnyMember,
    session: SessionDep,
    page: PageDep,
    status_: Annotated[list[TaskStatus] | None, Query(alias="status", description="repeat for several")] = None,
    kind: TaskKind | None = None,
    assignee_id: Annotated[str | None, Query(description="a user id, `me` or `none` (unassigned)")] = None,
    file_id: int | None = None,
    schema_id: int | None = None,
) -> Page[TaskRead]:
    """Annotators see their own tasks and the open queue; other roles see every task."""
    return service.list_tasks(session, access, page, statuses=status_ or (), kind=kind, assignee=assignee_id,
                              file_id=file_id, schema_id=schema_id)


@router.post("/projects/{project_id}/tasks/next", response_model=TaskRead,
             responses={204: {"description": "no task left for the caller"}},
             summary="Take the next task (own open work first, else claim the best available one)")
def next_task(access: Annotator, session: SessionDep, body: TaskNextRequest | None = None) -> TaskRead | Response:
    """Own in-progress/changes-requested task, else own assigned task (started), else claim one; 204 if none."""
    task = service.next_task(session, access, body or TaskNextRequest())
    if task is None:
        return Response(status_code=status.HTTP_204_NO_CONTENT)
    return service.read(task, access)


@router.get("/projects/{project_id}/tasks/progress", response_model=TaskProgress,
            summary="Task counts by status: overall, per kind, per schema, per assignee")
def task_progress(access: Reader, session: SessionDep) -> TaskProgress:
    """Progress report for admins, editors and viewers."""
    return service.progress(session, access.project.id)


@router.get("/projects/{project_id}/tasks/throughput", response_model=TaskThroughput,
            summary="Annotate tasks submitted and approved per annotator per day (UTC), over the last days")
def task_throughput(access: Reader, session: SessionDep,
                    days: Annotated[int, Query(ge=1, le=366, description="how many days, up to today")] = 30,
                    ) -> TaskThroughput:
    """Throughput report for admins, editors and viewers (the Insights page)."""
    return reports.throughput(session, access.project.id, days)


@router.get("/projects/{project_id}/tasks/{task_id}", response_model=TaskRead, summary="One task")
def get_task(task_id: TaskId, access: AnyMember, session: SessionDep) -> TaskRead:
    """The task with the actions the caller may take on it now."""
    return service.read(service.visible_task(session, access, task_id), access)


@router.post("/projects/{project_id}/tasks/{task_id}/actions", response_model=TaskRead,
             summary="Act on a task (start, submit, approve, ...); see /task-transitions")
def act_on_task(task_id: TaskId, body: TaskActionRequest, access: Annotator, session: SessionDep) -> TaskRead:
    """409 invalid_transition for a move the table forbids, 409 stale_version for an old version."""
    return service.read(actions.act(session, access, task_id, body), access)
