"""A project's connection to a bucket (S3, GCS) or container (Azure Blob); credentials encrypted at rest."""

from __future__ import annotations

import enum
from typing import Any

from sqlalchemy import Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.models import TimestampedModel
from backend.core.types import BigId, JsonDoc


class StorageKind(enum.StrEnum):
    s3 = "s3"
    gcs = "gcs"
    azure = "azure"


class StorageConnection(TimestampedModel):
    """Where a project's by-reference files live; files point at it with ``File.storage_connection_id``."""

    __tablename__ = "storage_connections"
    __table_args__ = (UniqueConstraint("project_id", "name"),)

    project_id: Mapped[int] = mapped_column(BigId, ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[StorageKind] = mapped_column(Enum(StorageKind, native_enum=False, create_constraint=True,
                                                   length=16))
    bucket: Mapped[str] = mapped_column(String(255))
    prefix: Mapped[str] = mapped_column(String(1000), default="")
    endpoint_url: Mapped[str | None] = mapped_column(String(1000))
    region: Mapped[str | None] = mapped_column(String(100))
    options: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)
    # Fernet token of the credentials' JSON (backend.core.crypto, purpose "storage credentials").
    credentials_encrypted: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
