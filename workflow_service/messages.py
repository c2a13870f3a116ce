"""Messages between the orchestrator and the executors (Celery task arguments and step results)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class StepItem(BaseModel):
    """One step of one run in a micro-batch: the arguments it applies the block to."""

    run_id: int
    project_id: int
    key: str
    args: list[Any]
    map: bool = False
    run_input: dict[str, Any] = Field(default_factory=dict)


class StepBatch(BaseModel):
    """What one Celery task executes: one block instance over the steps of one or more runs."""

    version_id: int
    block: str
    instance: str
    config: dict[str, Any]
    retries: int
    timeout: float
    queue: str
    items: list[StepItem]


class StepResult(BaseModel):
    """How a step ended on an executor; ``refetch``: ask the backend (a redelivery of a finished step)."""

    run_id: int
    key: str
    status: Literal["succeeded", "failed", "waiting", "cancelled", "refetch"]
    output: dict[str, Any] | None = None  # port -> value
    tasks: list[int] = Field(default_factory=list)
    done_statuses: list[str] = Field(default_factory=list)
    error: str | None = None


class ResultBatch(BaseModel):
    """The payload of a ``workflow.step.result`` control message."""

    results: list[StepResult]
