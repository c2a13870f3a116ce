"""Snapshots: a dataset or query resolved once on the server, and the manifest of their positions."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from groundwork.types._base import APIModel


class SnapshotLabel(APIModel):
    id: int
    name: str
    schema_id: int


class Snapshot(APIModel):
    id: int
    project_id: int
    dataset_id: int | None = None
    parent_id: int | None = None
    query: str = ""
    as_of: datetime
    file_count: int
    labels: list[SnapshotLabel]
    created_by_id: int | None = None
    created_at: datetime


class SnapshotEntry(APIModel):
    position: int
    file_id: int
    kind: Literal["image", "text"]
    name: str
    content_hash: str
    size_bytes: int
    width: int | None = None
    height: int | None = None


class SnapshotEntries(APIModel):
    items: list[SnapshotEntry]
    next_offset: int | None = None
