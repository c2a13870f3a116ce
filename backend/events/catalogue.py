"""The event catalogue: every event type, what it means, and the JSON Schema of its payload.

Payloads carry ids and small summaries, never blobs. Fields may be added within a schema version
(consumers must ignore unknown fields); removing or changing one bumps ``schema_version``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Payload(BaseModel):
    """Base of every payload: extra fields are allowed (additive changes stay compatible)."""

    model_config = ConfigDict(extra="allow")


class ProjectPayload(Payload):
    project_id: int
    name: str | None = None
    slug: str | None = None
    changed: list[str] | None = Field(default=None, description="fields that changed (updates)")


class MemberPayload(Payload):
    user_id: int
    role: Literal["admin", "editor", "annotator", "viewer"] | None = None


class SchemaPayload(Payload):
    schema_id: int
    name: str | None = None
    revision: int | None = None
    removed_labels: list[str] | None = Field(default=None, description="labels archived or dropped")


class FilePayload(Payload):
    file_id: int
    kind: Literal["image", "text"] | None = None
    name: str | None = None
    changed: list[str] | None = None


class DatasetPayload(Payload):
    dataset_id: int
    name: str | None = None
    changed: list[str] | None = None


class DatasetFilesPayload(Payload):
    dataset_id: int
    file_ids: list[int]
    count: int


class AnnotationPayload(Payload):
    annotation_id: str = Field(description="UUID")
    file_id: int
    version: int = Field(description="the version this change created")
    label_id: int | None
    type: str
    source: Literal["human", "model"]


class BulkWrittenPayload(Payload):
    file_ids: list[int]
    created: int
    replaced: int
    mode: Literal["append", "replace"]


class TaskPayload(Payload):
    task_id: int
    file_id: int
    schema_id: int
    kind: Literal["annotate", "review"]
    status: str = Field(description="the status after the change")
    assignee_id: int | None
    reviewer_id: int | None = None
    parent_task_id: int | None = None
    version: int
    from_status: str | None = None
    comment: str | None = None


class WorkflowPayload(Payload):
    workflow_id: int
    name: str | None = None
    version: int | None = Field(default=None, description="the workflow's current version number")
    enabled: bool | None = None
    changed: list[str] | None = Field(default=None, description="what changed (updates): definition, enabled")


class WorkflowRunPayload(Payload):
    run_id: int
    workflow_id: int
    version_id: int
    version: int | None = Field(default=None, description="the version number the run executes")
    status: Literal["pending", "running", "succeeded", "failed", "cancelled"] | None = None
    trigger_kind: Literal["event", "manual", "schedule"] | None = None
    event_id: str | None = Field(default=None, description="the event that triggered the run")
    items: int | None = None
    error: str | None = None


class WorkflowStepPayload(Payload):
    run_id: int
    workflow_id: int
    version: int = Field(description="the version number the run executes")
    key: str = Field(description="the value the step computes, e.g. `reviewed`")
    instance: str | None = None
    block: str | None = None
    status: Literal["pending", "queued", "running", "waiting", "succeeded", "failed", "skipped", "cancelled"]
    attempts: int
    summary: str | None = None
    error: str | None = None


class SnapshotPayload(Payload):
    snapshot_id: int
    dataset_id: int | None = None
    parent_id: int | None = None
    query: str | None = None
    file_count: int | None = None


@dataclass(frozen=True)
class EventType:
    """One entry of the catalogue."""

    name: str
    description: str
    payload: type[Payload]
    schema_version: int = 1


_ENTRIES = [
    EventType("project.created", "A project was created.", ProjectPayload),
    EventType("project.updated", "A project's name or description changed.", ProjectPayload),
    EventType("member.added", "A user joined the project with a role.", MemberPayload),
    EventType("member.updated", "A member's role changed.", MemberPayload),
    EventType("member.removed", "A user left the project.", MemberPayload),
    EventType("schema.created", "A label schema was created.", SchemaPayload),
    EventType("schema.updated", "A label schema's labels or attributes changed (new revision).", SchemaPayload),
    EventType("schema.deleted", "An unused label schema was deleted.", SchemaPayload),
    EventType("file.created", "A file was uploaded or imported (one event per new file).", FilePayload),
    EventType("file.restored", "A deleted file was uploaded again and is back.", FilePayload),
    EventType("file.updated", "A file's name or metadata changed.", FilePayload),
    EventType("file.deleted", "A file was deleted (soft: its history stays).", FilePayload),
    EventType("dataset.created", "A dataset was created.", DatasetPayload),
    EventType("dataset.updated", "A dataset was renamed or described.", DatasetPayload),
    EventType("dataset.deleted", "A dataset was deleted (its files stay).", DatasetPayload),
    EventType("dataset.files_added", "Files were added to a dataset.", DatasetFilesPayload),
    EventType("dataset.files_removed", "Files were removed from a dataset.", DatasetFilesPayload),
    EventType("snapshot.created", "A dataset or query was resolved into an immutable snapshot for streaming.",
              SnapshotPayload),
    EventType("snapshot.deleted", "A snapshot was deleted.", SnapshotPayload),
    EventType("annotation.created", "An annotation was created (version 1).", AnnotationPayload),
    EventType("annotation.updated", "An annotation changed (a new version).", AnnotationPayload),
    EventType("annotation.deleted", "An annotation was deleted (a tombstone version).", AnnotationPayload),
    EventType("annotations.bulk_written", "Many files' annotations were written or replaced in one request "
              "(one event per request, not per annotation).", BulkWrittenPayload),
    EventType("task.created", "A task was created.", TaskPayload),
    EventType("task.assigned", "A task got an assignee (explicitly or by the `next` queue).", TaskPayload),
    EventType("task.started", "Work on a task started.", TaskPayload),
    EventType("task.submitted", "An annotator submitted a task.", TaskPayload),
    EventType("task.review_started", "A reviewer took a submitted task.", TaskPayload),
    EventType("task.approved", "A reviewer approved a task.", TaskPayload),
    EventType("task.changes_requested", "A reviewer sent a task back, with a comment.", TaskPayload),
    EventType("task.resumed", "An annotator resumed a task sent back for changes.", TaskPayload),
    EventType("task.skipped", "An annotator skipped a task.", TaskPayload),
    EventType("task.released", "A task went back to the queue.", TaskPayload),
    EventType("task.reopened", "A finished or skipped task was reopened.", TaskPayload),
    EventType("workflow.created", "A workflow was defined (version 1).", WorkflowPayload),
    EventType("workflow.updated", "A workflow got a new version, or was enabled or disabled.", WorkflowPayload),
    EventType("workflow.deleted", "A workflow was deleted with its versions and runs.", WorkflowPayload),
    EventType("workflow.run.requested", "Someone asked for a manual run; the workflow service starts it.",
              WorkflowRunPayload),
    EventType("workflow.run.created", "The workflow service created a run for a trigger (an event or a "
              "schedule).", WorkflowRunPayload),
    EventType("workflow.run.started", "A run started executing.", WorkflowRunPayload),
    EventType("workflow.run.succeeded", "A run finished successfully.", WorkflowRunPayload),
    EventType("workflow.run.failed", "A run failed (the error says why).", WorkflowRunPayload),
    EventType("workflow.run.cancelled", "A run was cancelled.", WorkflowRunPayload),
    EventType("workflow.step.started", "A step started an attempt (one event per attempt).", WorkflowStepPayload),
    EventType("workflow.step.waiting", "A step waits (for tasks to complete, or an aggregate to fill).",
              WorkflowStepPayload),
    EventType("workflow.step.succeeded", "A step finished successfully.", WorkflowStepPayload),
    EventType("workflow.step.failed", "A step failed after its retries.", WorkflowStepPayload),
    EventType("workflow.step.skipped", "A step was skipped (its condition did not hold).", WorkflowStepPayload),
]

CATALOGUE: dict[str, EventType] = {e.name: e for e in _ENTRIES}


def register(entry: EventType) -> None:
    """Add an event type (for domains that define their own, e.g. webhooks or workflows)."""
    CATALOGUE[entry.name] = entry


class EventTypeRead(BaseModel):
    type: str
    description: str
    schema_version: int
    payload_schema: dict[str, Any]


def describe() -> list[EventTypeRead]:
    """The catalogue as served by the API: each type with its payload's JSON Schema."""
    return [EventTypeRead(type=e.name, description=e.description, schema_version=e.schema_version,
                          payload_schema=e.payload.model_json_schema()) for e in sorted(CATALOGUE.values(),
                                                                                         key=lambda e: e.name)]


def markdown() -> str:
    """The catalogue as a Markdown page (docs/events.md is generated from this)."""
    lines = ["# Event catalogue", "",
             "Every change that matters to others becomes an event, written to the outbox in the same",
             "transaction as the change and relayed to the topic exchange `groundwork.events` with the",
             "event type as routing key. Each event carries `id` (increasing), `type`, `project_id`,",
             "`actor_id`, `occurred_at`, `schema_version` and a `payload` of ids and small summaries.",
             "Consumers must ignore unknown payload fields. The JSON Schemas are served at",
             "`GET /api/v1/events/catalogue`.", "",
             "Generated by `groundwork events catalogue --markdown`; do not edit by hand.", "",
             "| type | meaning | payload fields |", "| --- | --- | --- |"]
    for e in sorted(CATALOGUE.values(), key=lambda e: e.name):
        schema = e.payload.model_json_schema()
        required = set(schema.get("required", []))
        fields = ", ".join(f"`{name}`" + ("" if name in required else "?") for name in schema["properties"])
        lines.append(f"| `{e.name}` | {e.description} | {fields} |")
    return "\n".join(lines) + "\n"
