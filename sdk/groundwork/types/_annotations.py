"""Annotations (current state and versions) and tasks."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from groundwork.types._base import APIModel


class _Content(APIModel):
    file_id: int
    schema_id: int
    label_id: int | None = None
    type: str
    geometry: dict[str, Any] | None = None
    attributes: dict[str, Any] = {}
    source: Literal["human", "model"] = "human"
    model_name: str | None = None
    model_version: str | None = None
    score: float | None = None


class Annotation(_Content):
    """The current state of an annotation; send ``version`` back with every change."""

    id: uuid.UUID
    version: int
    created_by_id: int | None = None
    updated_by_id: int | None = None
    created_at: datetime
    updated_at: datetime


class AnnotationVersion(_Content):
    """One immutable state in an annotation's history."""

    annotation_id: uuid.UUID
    version: int
    deleted: bool = False
    author_id: int | None = None
    created_at: datetime


class AnnotationDiff(APIModel):
    annotation_id: uuid.UUID
    from_version: int
    to_version: int
    changes: dict[str, dict[str, Any]]


class BulkResult(APIModel):
    files: int
    created: int
    replaced: int
    annotation_ids: dict[int, list[uuid.UUID]]


class Task(APIModel):
    id: int
    project_id: int
    file_id: int
    schema_id: int
    kind: Literal["annotate", "review"]
    status: str
    assignee_id: int | None = None
    reviewer_id: int | None = None
    parent_task_id: int | None = None
    priority: int = 0
    comment: str | None = None
    version: int
    external_key: str | None = None
    created_by_id: int | None = None
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None = None
    completed_at: datetime | None = None
    actions: list[str] = []


class TaskSkipped(APIModel):
    file_id: int
    existing_task_id: int | None = None
    reason: str


class TaskCreateResult(APIModel):
    created: list[Task]
    skipped: list[TaskSkipped] = []


class TaskProgress(APIModel):
    total: int
    by_status: dict[str, int]
    by_kind: list[dict[str, Any]] = []
    by_schema: list[dict[str, Any]] = []
    by_assignee: list[dict[str, Any]] = []
