"""Workflows: definitions, versions, runs and their steps (the API of docs/workflows.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from groundwork.types._base import APIModel

RunStatus = Literal["pending", "running", "succeeded", "failed", "cancelled"]
TERMINAL_RUN_STATUSES = frozenset({"succeeded", "failed", "cancelled"})


class RunSummary(APIModel):
    id: int
    status: RunStatus
    created_at: datetime


class Workflow(APIModel):
    id: int
    project_id: int
    name: str
    description: str | None = None
    enabled: bool
    current_version: int
    triggers: list[Any] = []
    created_at: datetime
    updated_at: datetime
    last_run: RunSummary | None = None


class WorkflowDetail(Workflow):
    source: str
    format: Literal["yaml", "json"]
    definition: dict[str, Any]


class WorkflowVersion(APIModel):
    number: int
    format: Literal["yaml", "json"]
    created_at: datetime
    created_by_id: int | None = None
    source: str | None = None
    definition: dict[str, Any] | None = None


class WorkflowValidation(APIModel):
    valid: bool
    name: str | None = None
    values: list[str] = []


class WorkflowRun(APIModel):
    id: int
    workflow_id: int
    version: int | None = None
    status: RunStatus
    trigger_kind: Literal["event", "manual", "schedule"]
    event_id: str | None = None
    items: int = 0
    error: str | None = None
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    duration_s: float | None = None

    @property
    def done(self) -> bool:
        """Whether the run reached a final status."""
        return self.status in TERMINAL_RUN_STATUSES


class WorkflowStep(APIModel):
    key: str
    instance: str | None = None
    block: str | None = None
    queue: str | None = None
    status: str
    attempts: int = 0
    summary: str | None = None
    error: str | None = None
    output: Any = None
    items: int = 0
    created_at: datetime
    queued_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    duration_s: float | None = None
    logs: str | None = None


class WorkflowRunDetail(WorkflowRun):
    steps: list[WorkflowStep] = []
    logs: dict[str, str] = {}


class WorkflowStats(APIModel):
    runs: int
    by_status: dict[str, int] = {}
    success_rate: float | None = None
    duration_p50_s: float | None = None
    duration_p95_s: float | None = None
    items_processed: int = 0
    per_day: list[dict[str, Any]] = []
    steps: list[dict[str, Any]] = []
