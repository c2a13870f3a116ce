"""Bodies for tasks: bulk creation, reads, actions, the queue, progress and the transition table."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from backend.auth.schemas import StrictInput
from backend.tasks.models import TaskKind, TaskStatus
from backend.tasks.transitions import Action, Effect, Who

MAX_BULK = 10_000


class TaskCreate(StrictInput):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"file_ids": [1, 2, 3], "schema_id": 1, "kind": "annotate", "assignee_id": None, "priority": 0}]})
    file_ids: list[int] = Field(min_length=1, max_length=MAX_BULK,
                                description="one task per file; a file may appear once")
    schema_id: int = Field(ge=1)
    kind: TaskKind = TaskKind.annotate
    assignee_id: int | None = Field(default=None, description="a member who may annotate; null: the open queue")
    priority: int = Field(default=0, ge=-1_000_000, le=1_000_000, description="higher is handed out first")
    parent_task_id: int | None = Field(default=None, description="for a review task: the task it reviews")
    external_key: str | None = Field(default=None, min_length=1, max_length=200,
                                     description="idempotency key (with exactly one file): when a task with this "
                                                 "key exists in the project it is returned (200), none is created")


class TaskRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    project_id: int
    file_id: int
    schema_id: int
    kind: TaskKind
    status: TaskStatus
    assignee_id: int | None
    reviewer_id: int | None
    parent_task_id: int | None
    priority: int
    comment: str | None
    version: int = Field(description="send it back with every action; a stale one gets 409 stale_version")
    created_by_id: int | None
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    completed_at: datetime | None
    external_key: str | None = Field(default=None, description="the idempotency key it was created with")
    actions: list[Action] = Field(default_factory=list, description="what the caller may do now")


class TaskSkipped(BaseModel):
    file_id: int
    existing_task_id: int | None = Field(description="the open task already covering this file, if any")
    reason: str


class TaskCreateResult(BaseModel):
    created: list[TaskRead]
    skipped: list[TaskSkipped] = Field(description="files that already have an open task of this kind "
                                                   "and schema (or were listed twice)")


class TaskActionRequest(StrictInput):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"action": "submit", "version": 3},
        {"action": "request_changes", "version": 4, "comment": "the left car is missing"},
        {"action": "assign", "version": 1, "assignee_id": 7}]})
    action: Action
    version: int = Field(ge=1, description="the version the caller last saw")
    comment: str | None = Field(default=None, max_length=10_000,
                                description="required for request_changes; stored on the task when given")
    assignee_id: int | None = Field(default=None, description="for assign (required) and reopen (optional)")


class TaskNextRequest(StrictInput):
    kind: TaskKind | None = Field(default=None, description="without it: annotate work first, then review")
    schema_id: int | None = Field(default=None, ge=1)


class TransitionRead(BaseModel):
    kind: TaskKind
    action: Action
    from_statuses: list[TaskStatus]
    to_status: TaskStatus | None = Field(description="null: the status does not change")
    who: Who
    comment_required: bool
    effects: list[Effect]
    event: str


class StatusCounts(BaseModel):
    total: int = 0
    by_status: dict[TaskStatus, int] = Field(default_factory=lambda: dict.fromkeys(TaskStatus, 0))


class SchemaProgress(StatusCounts):
    schema_id: int
    name: str


class AssigneeProgress(StatusCounts):
    assignee_id: int | None = Field(description="null: unassigned tasks")
    name: str | None


class KindProgress(StatusCounts):
    kind: TaskKind


class TaskProgress(StatusCounts):
    by_kind: list[KindProgress]
    by_schema: list[SchemaProgress]
    by_assignee: list[AssigneeProgress]


class ThroughputDay(BaseModel):
    day: date = Field(description="a UTC day")
    submitted: int = Field(default=0, description="annotate tasks submitted that day (their latest submission)")
    approved: int = Field(default=0, description="annotate tasks approved that day")


class AnnotatorThroughput(BaseModel):
    user_id: int | None = Field(description="the assignee; null: tasks that have none any more")
    name: str | None
    submitted: int
    approved: int
    days: list[ThroughputDay] = Field(description="every day of the range, oldest first (zeros included)")


class TaskThroughput(BaseModel):
    """Work done per annotator per day: what the Insights page charts."""

    since: date
    until: date
    totals: list[ThroughputDay] = Field(description="all annotators together, every day of the range")
    annotators: list[AnnotatorThroughput] = Field(description="most submitted first")
