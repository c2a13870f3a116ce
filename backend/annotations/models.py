"""Annotations: a head row per annotation plus an append-only version log.

The head row is the materialised latest version (for fast reads and counts); every write also
appends an immutable ``AnnotationVersion``, so history, diffs and "as of" reads never depend on
the head. ``version`` on the head is the optimistic-concurrency token a writer must present.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Enum, Float, ForeignKey, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.ids import uuid7
from backend.core.models import Base
from backend.core.types import BigId, JsonDoc, UTCDateTime, utcnow
from backend.label_schemas.models import AnnotationType

_ATYPE = Enum(AnnotationType, native_enum=False, create_constraint=True, length=16)
_SOURCE = Enum("human", "model", name="annotation_source", native_enum=False, create_constraint=True,
               length=8)


class Annotation(Base):
    """The current state of one annotation (deleted ones keep their row as a tombstone)."""

    __tablename__ = "annotations"
    __table_args__ = (Index("ix_annotations_file_live", "file_id", "deleted"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid7)
    # No key on the project: the file's (below) already ties the head to the project and cascades its deletion;
    # each key costs a check on every insert (see migration b6headkeys01).
    project_id: Mapped[int] = mapped_column(BigId, index=True)
    file_id: Mapped[int] = mapped_column(BigId, ForeignKey("files.id", ondelete="CASCADE"))
    schema_id: Mapped[int] = mapped_column(BigId, ForeignKey("label_schemas.id", ondelete="CASCADE"))
    label_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("labels.id", ondelete="CASCADE"), index=True)
    type: Mapped[AnnotationType] = mapped_column(_ATYPE)
    geometry: Mapped[dict[str, Any] | None] = mapped_column(JsonDoc)
    attributes: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)
    source: Mapped[str] = mapped_column(_SOURCE, default="human")
    model_name: Mapped[str | None] = mapped_column(String(200))
    model_version: Mapped[str | None] = mapped_column(String(100))
    score: Mapped[float | None] = mapped_column(Float)
    version: Mapped[int] = mapped_column(Integer, default=1)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    # Provenance, as recorded (users are never deleted, only deactivated): no keys to check on every insert.
    created_by_id: Mapped[int | None] = mapped_column(BigId)
    updated_by_id: Mapped[int | None] = mapped_column(BigId)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AnnotationVersion(Base):
    """One immutable state of an annotation; ``deleted`` marks the tombstone version."""

    __tablename__ = "annotation_versions"
    __table_args__ = (Index("ix_annotation_versions_file_time", "file_id", "created_at"),)

    annotation_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("annotations.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    # No keys of their own: these are the annotation's (fixed on the head, which the key above ties to
    # live rows and through which deletes cascade), and the label as it was then (a label used in
    # history is archived, never deleted). Each key would cost a check on every version written.
    project_id: Mapped[int] = mapped_column(BigId)
    file_id: Mapped[int] = mapped_column(BigId)
    schema_id: Mapped[int] = mapped_column(BigId)
    label_id: Mapped[int | None] = mapped_column(BigId)
    type: Mapped[AnnotationType] = mapped_column(_ATYPE)
    geometry: Mapped[dict[str, Any] | None] = mapped_column(JsonDoc)
    attributes: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)
    source: Mapped[str] = mapped_column(_SOURCE, default="human")
    model_name: Mapped[str | None] = mapped_column(String(200))
    model_version: Mapped[str | None] = mapped_column(String(100))
    score: Mapped[float | None] = mapped_column(Float)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    author_id: Mapped[int | None] = mapped_column(BigId)  # who wrote it, as recorded (users are never deleted)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
