"""Snapshots: a dataset or a query resolved once into an immutable, ordered list of files plus a moment.

Annotations are read "as of" ``as_of`` through the append-only version log, so edits made after
the snapshot never change what it serves; the label names are frozen with it (``labels``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.models import Base, TimestampedModel
from backend.core.types import BigId, JsonDoc, UTCDateTime


class DatasetSnapshot(TimestampedModel):
    """One resolution of a dataset and/or query; ``file_count`` rows in ``dataset_snapshot_files``."""

    __tablename__ = "dataset_snapshots"

    project_id: Mapped[int] = mapped_column(BigId, ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    dataset_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("datasets.id", ondelete="SET NULL"))
    parent_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("dataset_snapshots.id", ondelete="SET NULL"))
    query: Mapped[str] = mapped_column(Text, default="")
    as_of: Mapped[datetime] = mapped_column(UTCDateTime)
    file_count: Mapped[int] = mapped_column(Integer, default=0)
    # {"<label id>": {"name": ..., "schema_id": ...}} as the project's labels stood at ``as_of``
    labels: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))


class SnapshotFile(Base):
    """The file at one position of a snapshot (positions are 0..file_count-1, in file id order)."""

    __tablename__ = "dataset_snapshot_files"

    snapshot_id: Mapped[int] = mapped_column(BigId, ForeignKey("dataset_snapshots.id", ondelete="CASCADE"),
                                             primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_id: Mapped[int] = mapped_column(BigId, ForeignKey("files.id", ondelete="CASCADE"), index=True)
