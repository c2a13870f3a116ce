"""The columns every background job has: status, progress, the lease that makes claiming safe."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from backend.core.models import TimestampedModel
from backend.core.types import BigId, UTCDateTime


class JobStatus(enum.StrEnum):
    """``pending`` → ``running`` → ``succeeded`` or ``failed`` (a failed import can go back to pending)."""

    pending = "pending"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"


class BackgroundJob(TimestampedModel):
    """Base of a job table. A runner owns a ``running`` job while ``lease_until`` lies ahead; past
    it (the process died) another runner may claim the job again."""

    __abstract__ = True

    @declared_attr
    def project_id(cls) -> Mapped[int]:  # noqa: N805 (declared_attr takes the class)
        return mapped_column(BigId, ForeignKey("projects.id", ondelete="CASCADE"), index=True)

    @declared_attr
    def created_by_id(cls) -> Mapped[int | None]:  # noqa: N805
        return mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))

    status: Mapped[JobStatus] = mapped_column(
        Enum(JobStatus, native_enum=False, create_constraint=True, length=16), default=JobStatus.pending,
        index=True)
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(2000))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_owner: Mapped[str | None] = mapped_column(String(100))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
