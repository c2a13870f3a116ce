"""Bodies for snapshots and the manifest of their files."""

from __future__ import annotations

from datetime import datetime
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from backend.auth.schemas import StrictInput
from backend.files.models import FileKind
from backend.query.parser import MAX_QUERY_CHARS

MAX_ITEMS_PER_REQUEST = 1024


class SnapshotCreate(StrictInput):
    """What to resolve: a dataset (by id or name), a query, a parent snapshot to slice — any combination."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"dataset": "train"}, {"query": "labels.car > 3"}, {"parent_id": 7, "query": "labels.pedestrian >= 1"}]})
    dataset_id: int | None = Field(default=None, ge=1)
    dataset: str | None = Field(default=None, min_length=1, max_length=200, description="a dataset name")
    query: str = Field(default="", max_length=MAX_QUERY_CHARS, description="the query language (docs/query.md)")
    parent_id: int | None = Field(default=None, ge=1, description="slice this snapshot (keeps its as_of)")

    @model_validator(mode="after")
    def _one_dataset(self) -> Self:
        if self.dataset_id is not None and self.dataset is not None:
            raise ValueError("give dataset_id or dataset, not both")
        return self


class SnapshotLabel(BaseModel):
    id: int
    name: str
    schema_id: int


class SnapshotRead(BaseModel):
    id: int
    project_id: int
    dataset_id: int | None
    parent_id: int | None
    query: str
    as_of: datetime = Field(description="annotations are served as they stood at this moment")
    file_count: int
    labels: list[SnapshotLabel] = Field(description="the project's labels when the snapshot was taken")
    created_by_id: int | None
    created_at: datetime


class SnapshotEntry(BaseModel):
    """One position of a snapshot: which file, and what the SDK needs to cache it."""

    position: int
    file_id: int
    kind: FileKind
    name: str
    content_hash: str
    size_bytes: int
    width: int | None
    height: int | None


class SnapshotEntries(BaseModel):
    items: list[SnapshotEntry]
    next_offset: int | None = Field(description="pass as offset for the next page; null at the end")
