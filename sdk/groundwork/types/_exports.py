"""Exports: a snapshot of annotations written to a file in a format (COCO, YOLO, VOC, JSONL, ...)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from groundwork.types._base import APIModel

ExportStatus = Literal["pending", "running", "succeeded", "failed"]


class ExportProgress(APIModel):
    done: int
    total: int | None = None


class Export(APIModel):
    id: int
    project_id: int
    format: str
    query: str = ""
    dataset_id: int | None = None
    schema_id: int | None = None
    as_of: datetime
    include_media: bool = False
    destination: Literal["download", "storage"] = "download"
    status: ExportStatus
    progress: ExportProgress
    error: str | None = None
    file_name: str
    content_type: str
    size_bytes: int | None = None
    sha256: str | None = None
    stats: dict[str, Any] = {}
    download_url: str | None = None
    storage: dict[str, Any] | None = None
    created_at: datetime
    finished_at: datetime | None = None

    @property
    def done(self) -> bool:
        """Whether the export finished (succeeded or failed)."""
        return self.status in ("succeeded", "failed")


class ExportFormat(APIModel):
    name: str
    title: str
    needs_schema: bool
    extension: str
