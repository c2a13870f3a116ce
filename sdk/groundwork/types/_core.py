"""Projects, members, label schemas, files and datasets."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from groundwork.types._base import APIModel

Role = Literal["admin", "editor", "annotator", "viewer"]


class Project(APIModel):
    id: int
    name: str
    slug: str
    description: str = ""
    role: Role | None = None
    created_at: datetime
    updated_at: datetime


class Member(APIModel):
    id: int
    user_id: int
    email: str
    name: str
    role: Role
    created_at: datetime


class Label(APIModel):
    id: int
    name: str
    color: str
    annotation_types: list[str]
    keypoint_names: list[str] | None = None
    archived: bool = False


class Attribute(APIModel):
    id: int
    name: str
    kind: str
    scope: Literal["file", "instance"]
    options: list[str] = []
    label_names: list[str] = []
    required: bool = False
    min_value: float | None = None
    max_value: float | None = None
    default: Any = None
    archived: bool = False


class LabelSchema(APIModel):
    id: int
    project_id: int
    name: str
    description: str = ""
    revision: int
    labels: list[Label]
    attributes: list[Attribute]
    created_at: datetime
    updated_at: datetime

    def label(self, name: str) -> Label:
        """The label with this name (KeyError if there is none)."""
        for label in self.labels:
            if label.name == name:
                return label
        raise KeyError(name)


class File(APIModel):
    id: int
    project_id: int
    kind: Literal["image", "text"]
    name: str
    mime_type: str
    size_bytes: int
    content_hash: str
    width: int | None = None
    height: int | None = None
    text_length: int | None = None
    metadata: dict[str, Any] = {}
    source_url: str | None = None
    created_by_id: int | None = None
    created_at: datetime
    updated_at: datetime
    content_url: str
    thumbnail_url: str | None = None


class UploadItem(APIModel):
    input_name: str
    status: Literal["created", "duplicate", "restored"]
    file: File


class UploadResult(APIModel):
    items: list[UploadItem]


class Dataset(APIModel):
    id: int
    project_id: int
    name: str
    description: str = ""
    file_count: int
    created_at: datetime
    updated_at: datetime


class DatasetFilesResult(APIModel):
    dataset_id: int
    changed_file_ids: list[int]
    file_count: int
