"""Workflows: definitions and their versions, runs and their steps, and the block catalogue."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, Enum, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.models import Base, TimestampedModel
from backend.core.types import BigId, JsonDoc, UTCDateTime, utcnow


class SourceFormat(enum.StrEnum):
    yaml = "yaml"
    json = "json"


class RunStatus(enum.StrEnum):
    pending = "pending"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"
    cancelled = "cancelled"


class StepStatus(enum.StrEnum):
    pending = "pending"
    queued = "queued"
    running = "running"
    waiting = "waiting"
    succeeded = "succeeded"
    failed = "failed"
    skipped = "skipped"
    cancelled = "cancelled"


class TriggerKind(enum.StrEnum):
    event = "event"
    manual = "manual"
    schedule = "schedule"


RUN_TERMINAL = frozenset({RunStatus.succeeded, RunStatus.failed, RunStatus.cancelled})
STEP_TERMINAL = frozenset({StepStatus.succeeded, StepStatus.failed, StepStatus.skipped, StepStatus.cancelled})


def _enum(cls: type[enum.StrEnum]) -> Enum:
    return Enum(cls, native_enum=False, create_constraint=True, length=16)


class Workflow(TimestampedModel):
    """A named workflow of a project; its definition lives in numbered versions."""

    __tablename__ = "workflows"
    __table_args__ = (UniqueConstraint("project_id", "name"),)

    project_id: Mapped[int] = mapped_column(BigId, ForeignKey("projects.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    current_version: Mapped[int] = mapped_column(Integer, default=1)
    # Where the builder's canvas places each value ({name: {"x", "y"}}): presentation, not part of
    # the definition, so moving a node makes no new version; names no longer defined are ignored.
    layout: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict, server_default=text("'{}'"))
    created_by_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))


class WorkflowVersion(Base):
    """One saved definition: the source exactly as submitted and its validated form (immutable)."""

    __tablename__ = "workflow_versions"
    __table_args__ = (UniqueConstraint("workflow_id", "number"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    workflow_id: Mapped[int] = mapped_column(BigId, ForeignKey("workflows.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(Text)
    format: Mapped[SourceFormat] = mapped_column(_enum(SourceFormat))
    definition: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    created_by_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WorkflowRun(Base):
    """One execution of a workflow version; exactly one per (version, trigger key)."""

    __tablename__ = "workflow_runs"
    __table_args__ = (UniqueConstraint("version_id", "trigger_key"),
                      Index("ix_workflow_runs_workflow_id_created_at", "workflow_id", "created_at"),
                      Index("ix_workflow_runs_status", "status"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    project_id: Mapped[int] = mapped_column(BigId, ForeignKey("projects.id", ondelete="CASCADE"))
    workflow_id: Mapped[int] = mapped_column(BigId, ForeignKey("workflows.id", ondelete="CASCADE"))
    version_id: Mapped[int] = mapped_column(BigId, ForeignKey("workflow_versions.id", ondelete="CASCADE"))
    status: Mapped[RunStatus] = mapped_column(_enum(RunStatus), default=RunStatus.pending)
    trigger_kind: Mapped[TriggerKind] = mapped_column(_enum(TriggerKind))
    trigger_key: Mapped[str] = mapped_column(String(200))
    event_id: Mapped[str | None] = mapped_column(String(64))
    input: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)
    items: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WorkflowStep(Base):
    """The state of one value of a run (``key``, e.g. ``reviewed``), written by the workflow service."""

    __tablename__ = "workflow_steps"
    __table_args__ = (UniqueConstraint("run_id", "key"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(BigId, ForeignKey("workflow_runs.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    instance: Mapped[str | None] = mapped_column(String(200))
    block: Mapped[str | None] = mapped_column(String(200))
    queue: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[StepStatus] = mapped_column(_enum(StepStatus), default=StepStatus.pending)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    output: Mapped[Any | None] = mapped_column(JsonDoc)
    summary: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    logs: Mapped[str] = mapped_column(Text, default="")
    items: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WorkflowArtifact(Base):
    """A file a step produced (a Deepchecks report, metrics): bytes in the media storage, one per (run, step, name)."""

    __tablename__ = "workflow_artifacts"
    __table_args__ = (UniqueConstraint("run_id", "step_key", "name"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    project_id: Mapped[int] = mapped_column(BigId, ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    run_id: Mapped[int] = mapped_column(BigId, ForeignKey("workflow_runs.id", ondelete="CASCADE"))
    step_key: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(200))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BlockCatalogueEntry(Base):
    """A block the workflow service can run, as it registered it (``error``: its plugin failed to load)."""

    __tablename__ = "block_catalogue"

    slug: Mapped[str] = mapped_column(String(200), primary_key=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[str] = mapped_column(String(100), default="")
    plugin: Mapped[str] = mapped_column(String(200), default="builtin")
    config_schema: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)
    inputs: Mapped[list[dict[str, Any]]] = mapped_column(JsonDoc, default=list)
    outputs: Mapped[list[dict[str, Any]]] = mapped_column(JsonDoc, default=list)
    queue: Mapped[str] = mapped_column(String(100), default="cpu")
    error: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
