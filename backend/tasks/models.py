"""Tasks: units of human work (annotate or review) over one file."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.models import TimestampedModel
from backend.core.types import BigId, UTCDateTime


class TaskKind(enum.StrEnum):
    annotate = "annotate"
    review = "review"


class TaskStatus(enum.StrEnum):
    available = "available"
    in_progress = "in_progress"
    submitted = "submitted"
    in_review = "in_review"
    changes_requested = "changes_requested"
    approved = "approved"
    skipped = "skipped"


class Task(TimestampedModel):
    __tablename__ = "tasks"
    __table_args__ = (UniqueConstraint("project_id", "external_key"),)
    project_id: Mapped[int] = mapped_column(BigId, ForeignKey("projects.id", ondelete="CASCADE"))
    file_id: Mapped[int] = mapped_column(BigId, ForeignKey("files.id", ondelete="CASCADE"), index=True)
    schema_id: Mapped[int] = mapped_column(BigId, ForeignKey("label_schemas.id", ondelete="CASCADE"))
    kind: Mapped[TaskKind] = mapped_column(Enum(TaskKind, native_enum=False, create_constraint=True, length=16))
    status: Mapped[TaskStatus] = mapped_column(
        Enum(TaskStatus, native_enum=False, create_constraint=True, length=20), default=TaskStatus.available
    )
    assignee_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
    reviewer_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
    parent_task_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("tasks.id", ondelete="SET NULL"))
    priority: Mapped[int] = mapped_column(Integer, default=0)
    comment: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set by callers that must not create a task twice (workflow blocks retried after a crash).
    external_key: Mapped[str | None] = mapped_column(String(200))


# The work queue: "the best available task of this kind" is the first entry of one index range.
# priority is DESC so that ORDER BY assignee_id, priority DESC, id (highest priority, then oldest)
# walks the index in order; PostgreSQL then stops at the first unlocked row instead of sorting.
Index("ix_tasks_queue", Task.project_id, Task.kind, Task.status, Task.assignee_id, Task.priority.desc(),
      Task.id)
