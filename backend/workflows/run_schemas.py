"""Bodies for workflow runs and steps: reads, manual triggers, stats, and the workflow service's endpoints."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from backend.auth.schemas import StrictInput
from backend.workflows.models import RunStatus, StepStatus, TriggerKind

MAX_BATCH = 1000
MAX_REPORT_ITEMS = 5000
MAX_FILES = 10_000


class _ServiceInput(BaseModel):
    # Not StrictInput: logs, errors and trigger keys are kept exactly as sent (no whitespace stripping).
    model_config = ConfigDict(extra="forbid")


class RunTrigger(StrictInput):
    model_config = ConfigDict(json_schema_extra={"examples": [{"input": {"note": "re-run"}, "file_ids": [1, 2]}]})
    input: dict[str, Any] = Field(default_factory=dict, description="the run's input (`in`)")
    file_ids: list[int] | None = Field(default=None, max_length=MAX_FILES,
                                       description="files of the project to run on (put in input.file_ids)")


class WorkflowRunRead(BaseModel):
    id: int
    project_id: int
    workflow_id: int
    version_id: int
    version: int = Field(description="the version number the run executes")
    status: RunStatus
    trigger_kind: TriggerKind
    trigger_key: str
    event_id: str | None
    items: int
    error: str | None
    cancel_requested: bool
    created_by_id: int | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    duration_s: float | None = Field(description="started to finished; null until the run has finished")


class StepRead(BaseModel):
    key: str
    instance: str | None
    block: str | None
    queue: str | None
    status: StepStatus
    attempts: int
    summary: str | None
    error: str | None
    output: Any
    items: int
    created_at: datetime
    queued_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    duration_s: float | None
    logs: str = Field(description="the tail of the step's log")


class WorkflowRunDetail(WorkflowRunRead):
    input: dict[str, Any]
    steps: list[StepRead] = Field(description="in the order they were created")


class DayStats(BaseModel):
    date: date
    runs: int
    succeeded: int
    failed: int


class StepStats(BaseModel):
    key: str
    runs: int = Field(description="runs that reached this step")
    failed: int
    duration_p50_s: float | None


class WorkflowStats(BaseModel):
    runs: int
    by_status: dict[RunStatus, int]
    success_rate: float | None = Field(description="succeeded / (succeeded + failed); null before any finished")
    duration_p50_s: float | None
    duration_p95_s: float | None
    items_processed: int = Field(description="sum of the runs' items")
    per_day: list[DayStats] = Field(description="the last 30 days (UTC), oldest first")
    steps: list[StepStats]


# ---- the workflow service's endpoints -------------------------------------------------------------------
class ServiceWorkflow(BaseModel):
    workflow_id: int
    project_id: int
    name: str
    version_id: int
    version: int
    definition: dict[str, Any]


class RunFilter(_ServiceInput):
    query: str = Field(max_length=10_000, description="the trigger's filter, in the query language")
    file_ids: list[int] = Field(max_length=MAX_FILES, description="the files the event is about")


class RunRequest(_ServiceInput):
    workflow_id: int
    version_id: int
    trigger_kind: TriggerKind
    trigger_key: str = Field(min_length=1, max_length=200, description="unique per version: one run per key")
    event_id: str | None = Field(default=None, max_length=64)
    input: dict[str, Any] = Field(default_factory=dict)
    filter: RunFilter | None = None


class RunRequests(_ServiceInput):
    model_config = ConfigDict(json_schema_extra={"examples": [{"runs": [{
        "workflow_id": 1, "version_id": 3, "trigger_kind": "event", "trigger_key": "event:42", "event_id": "42",
        "input": {"event": {"type": "file.created"}}, "filter": {"query": "file.type = 'text'", "file_ids": [7]}}]}]})
    runs: list[RunRequest] = Field(max_length=MAX_BATCH)


class RunCreated(BaseModel):
    run_id: int | None
    created: bool
    status: RunStatus | None
    skipped: Literal["filter", "disabled"] | None = None


class RunReport(_ServiceInput):
    run_id: int
    status: RunStatus | None = None
    error: str | None = Field(default=None, max_length=65_536)
    items: int | None = Field(default=None, ge=0)


class StepReport(_ServiceInput):
    run_id: int
    key: str = Field(min_length=1, max_length=200)
    instance: str | None = Field(default=None, max_length=200)
    block: str | None = Field(default=None, max_length=200)
    queue: str | None = Field(default=None, max_length=100)
    status: StepStatus | None = Field(default=None, description="null: progress of a running step (log and "
                                                                 "summary only; no transition, no attempt)")
    output: Any = Field(default=None, description="small: ids and summaries; null leaves it as it is")
    summary: str | None = Field(default=None, max_length=2000)
    error: str | None = Field(default=None, max_length=65_536)
    log: str | None = Field(default=None, max_length=1_048_576, description="appended to the step's log")
    items: int | None = Field(default=None, ge=0)


class ReportBody(_ServiceInput):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "runs": [{"run_id": 5, "status": "running"}],
        "steps": [{"run_id": 5, "key": "reviewed", "instance": "review", "block": "human_task", "queue": "cpu",
                   "status": "running", "log": "creating 3 tasks\n"}]}]})
    runs: list[RunReport] = Field(default_factory=list, max_length=MAX_REPORT_ITEMS)
    steps: list[StepReport] = Field(default_factory=list, max_length=MAX_REPORT_ITEMS)


class RunReported(BaseModel):
    run_id: int
    status: RunStatus | None = Field(description="the run's status now; null: no such run (deleted), stop")
    cancel_requested: bool


class StepReported(BaseModel):
    run_id: int
    key: str
    status: StepStatus | None = Field(description="the step's status now; null: no such run (deleted), stop")
    attempts: int
    created: bool


class ReportResult(BaseModel):
    runs: list[RunReported]
    steps: list[StepReported]


class ServiceStep(BaseModel):
    key: str
    instance: str | None
    block: str | None
    queue: str | None
    status: StepStatus
    attempts: int
    output: Any
    summary: str | None
    error: str | None
    items: int
    created_at: datetime
    queued_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None


class ServiceRun(BaseModel):
    run_id: int
    project_id: int
    workflow_id: int
    version_id: int
    version: int
    definition: dict[str, Any] = Field(description="the definition of the version the run executes")
    status: RunStatus
    trigger_kind: TriggerKind
    trigger_key: str
    event_id: str | None
    input: dict[str, Any]
    items: int
    error: str | None
    cancel_requested: bool
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    steps: list[ServiceStep]


class ActiveRun(BaseModel):
    run_id: int
    project_id: int
    workflow_id: int
    version_id: int
    status: RunStatus
