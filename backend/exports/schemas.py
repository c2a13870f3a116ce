"""Bodies for exports: what to export and where, and the job's state."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from backend.auth.schemas import StrictInput
from backend.jobs.models import JobStatus
from backend.query.parser import MAX_QUERY_CHARS

ExportFormat = Literal["jsonl", "coco", "yolo", "yolo_seg", "voc", "csv", "jsonl_text", "spacy", "conll"]


class ExportCreate(StrictInput):
    """Which files (query and/or dataset), which schema's annotations, as of when, and where to write."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"format": "coco", "schema_id": 1, "query": "labels.car > 3 and labels.pedestrian >= 1"},
        {"format": "yolo", "schema_id": 1, "dataset_id": 2, "as_of": "2026-11-21T10:00:00Z",
         "destination": "storage", "connection_id": 3, "prefix": "exports/nightly/"}]})
    format: ExportFormat
    query: str = Field(default="", max_length=MAX_QUERY_CHARS, description="files to export (docs/query.md); "
                       "empty: every file")
    dataset_id: int | None = Field(default=None, ge=1, description="only files in this dataset (and the query)")
    schema_id: int | None = Field(default=None, ge=1, description="the label schema whose annotations are "
                                  "exported; required except for jsonl (default there: every schema)")
    as_of: datetime | None = Field(default=None, description="snapshot time: each annotation as it stood then "
                                   "(default: now); the same snapshot gives the same bytes")
    destination: Literal["download", "storage"] = "download"
    connection_id: int | None = Field(default=None, ge=1, description="storage: the project's storage connection")
    prefix: str = Field(default="", max_length=800, description="storage: key prefix inside the connection's "
                        "prefix, e.g. exports/2026-11/")
    include_media: bool = Field(default=False, description="coco, yolo, yolo_seg, voc: put the images in a zip "
                                "beside the annotations")

    @model_validator(mode="after")
    def _storage_needs_connection(self) -> ExportCreate:
        if self.destination == "storage" and self.connection_id is None:
            raise ValueError("destination 'storage' needs connection_id")
        if self.destination == "download" and (self.connection_id is not None or self.prefix):
            raise ValueError("connection_id and prefix are for destination 'storage'")
        return self


class Progress(BaseModel):
    done: int
    total: int | None


class StorageTarget(BaseModel):
    connection_id: int | None = Field(description="null when the connection was deleted since")
    key: str = Field(description="the object's full key in the bucket")


class ExportRead(BaseModel):
    """An export job: poll it until ``status`` is ``succeeded`` (then download) or ``failed`` (see ``error``)."""

    id: int
    project_id: int
    format: ExportFormat
    query: str
    dataset_id: int | None
    dataset_name: str | None
    schema_id: int | None
    as_of: datetime
    include_media: bool
    destination: Literal["download", "storage"]
    status: JobStatus
    progress: Progress = Field(description="files written so far, of the files the query selected")
    error: str | None
    file_name: str
    content_type: str
    size_bytes: int | None
    sha256: str | None = Field(description="SHA-256 of the output, hex (equal snapshots give equal digests)")
    stats: dict[str, Any] = Field(description="files and annotations written; what the format could not "
                                  "express, by kind (skipped)")
    download_url: str | None = Field(description="API path of the output once it succeeded (download exports)")
    storage: StorageTarget | None
    attempts: int
    created_by_id: int | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class ExportFormatRead(BaseModel):
    name: str
    title: str
    needs_schema: bool
    extension: str
