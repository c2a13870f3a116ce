"""Export jobs and the files each one selected when it was created."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.models import Base
from backend.core.types import BigId, JsonDoc, UTCDateTime
from backend.jobs.models import BackgroundJob


class ExportJob(BackgroundJob):
    """One export: what to write (format, files, schema, moment), where, and how it went."""

    __tablename__ = "export_jobs"

    format: Mapped[str] = mapped_column(String(16))
    query: Mapped[str] = mapped_column(Text, default="")
    # The dataset may be deleted later; its name stays to say what the export was of.
    dataset_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("datasets.id", ondelete="SET NULL"))
    dataset_name: Mapped[str | None] = mapped_column(String(200))
    schema_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("label_schemas.id", ondelete="CASCADE"))
    as_of: Mapped[datetime] = mapped_column(UTCDateTime)
    destination: Mapped[str] = mapped_column(String(16), default="download")
    connection_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("storage_connections.id", ondelete="SET NULL"))
    object_key: Mapped[str | None] = mapped_column(String(1000))  # in the bucket, under the connection prefix
    options: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)
    file_name: Mapped[str] = mapped_column(String(300))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    sha256: Mapped[str | None] = mapped_column(String(64))
    stats: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)


class ExportJobFile(Base):
    """A file an export job covers, chosen by its query when the job was created (deleted when it ends)."""

    __tablename__ = "export_job_files"

    job_id: Mapped[int] = mapped_column(BigId, ForeignKey("export_jobs.id", ondelete="CASCADE"), primary_key=True)
    file_id: Mapped[int] = mapped_column(BigId, ForeignKey("files.id", ondelete="CASCADE"), primary_key=True)
