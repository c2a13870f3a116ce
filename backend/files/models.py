"""Files (images and texts) and the datasets that group them."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Enum, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.models import TimestampedModel
from backend.core.types import BigId, JsonDoc, UTCDateTime


class FileKind(enum.StrEnum):
    image = "image"
    text = "text"


class File(TimestampedModel):
    """One piece of raw data; content-addressed and deduplicated per project."""

    __tablename__ = "files"
    __table_args__ = (UniqueConstraint("project_id", "content_hash"),)

    project_id: Mapped[int] = mapped_column(BigId, ForeignKey("projects.id", ondelete="CASCADE"))
    kind: Mapped[FileKind] = mapped_column(Enum(FileKind, native_enum=False, create_constraint=True, length=16))
    name: Mapped[str] = mapped_column(String(500))
    mime_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    content_hash: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(500))
    thumbnail_key: Mapped[str | None] = mapped_column(String(500))
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    text_length: Mapped[int | None] = mapped_column(Integer)
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", JsonDoc, default=dict)
    source_url: Mapped[str | None] = mapped_column(String(2000))
    # Imported by reference: the bytes stay in this connection's bucket under ``storage_key``, and
    # ``storage_etag`` is the object's ETag at import (a different one on read means it changed).
    storage_connection_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("storage_connections.id"), index=True)
    storage_etag: Mapped[str | None] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
