"""Bodies for files: uploads, URL import, reads and metadata edits."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from fastapi import UploadFile
from pydantic import BaseModel, ConfigDict, Field, Json, field_validator

from backend.auth.schemas import StrictInput
from backend.files.models import File, FileKind

API_PREFIX = "/api/v1"


class UploadForm(StrictInput):
    """The multipart form of a batch upload; unknown form fields are refused."""

    files: list[UploadFile] = Field(description="images (JPEG, PNG, WebP) and texts (UTF-8 .txt, .jsonl)")
    metadata: Json[dict[str, Any]] | None = Field(
        default=None, description='JSON object applied to every file, e.g. {"camera": "front"}')
    text_field: str = Field(default="text", min_length=1, max_length=200,
                            description="JSON Lines: the key that holds each row's text")
    dataset_id: int | None = Field(default=None, ge=1, description="also add the files to this dataset")

    @field_validator("metadata", "dataset_id", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        # HTML forms send empty strings for fields left blank.
        return None if isinstance(value, str) and not value.strip() else value


class UrlImport(StrictInput):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"url": "https://example.com/street.jpg", "metadata": {"source": "web"}}]})
    url: str = Field(min_length=1, max_length=2000, description="http or https URL of an image or text")
    name: str | None = Field(default=None, min_length=1, max_length=500)
    metadata: dict[str, Any] = Field(default_factory=dict)
    dataset_id: int | None = Field(default=None, ge=1)


class FileUpdate(StrictInput):
    model_config = ConfigDict(json_schema_extra={"examples": [{"name": "front-01.jpg",
                                                               "metadata": {"camera": "front"}}]})
    name: str | None = Field(default=None, min_length=1, max_length=500)
    metadata: dict[str, Any] | None = Field(default=None, description="replaces the whole metadata object")


class FileRead(BaseModel):
    id: int
    project_id: int
    kind: FileKind
    name: str
    mime_type: str
    size_bytes: int
    content_hash: str = Field(description="SHA-256 of the content, hex")
    width: int | None = Field(description="images: width as displayed (EXIF orientation applied)")
    height: int | None
    text_length: int | None = Field(description="texts: number of characters")
    metadata: dict[str, Any]
    source_url: str | None
    created_by_id: int | None
    created_at: datetime
    updated_at: datetime
    content_url: str
    thumbnail_url: str | None

    @classmethod
    def of(cls, f: File) -> FileRead:
        """The read model of a file row, with its media URLs."""
        base = f"{API_PREFIX}/projects/{f.project_id}/files/{f.id}"
        return cls(id=f.id, project_id=f.project_id, kind=f.kind, name=f.name, mime_type=f.mime_type,
                   size_bytes=f.size_bytes, content_hash=f.content_hash, width=f.width, height=f.height,
                   text_length=f.text_length, metadata=f.meta, source_url=f.source_url,
                   created_by_id=f.created_by_id, created_at=f.created_at, updated_at=f.updated_at,
                   content_url=f"{base}/content",
                   thumbnail_url=f"{base}/thumbnail" if f.thumbnail_key else None)


class ItemStatus(enum.StrEnum):
    created = "created"
    duplicate = "duplicate"
    restored = "restored"


class UploadItem(BaseModel):
    input_name: str = Field(description="the uploaded file's name; JSON Lines rows: name.jsonl#LINE")
    status: ItemStatus = Field(description="created; duplicate (already in the project); "
                                           "restored (had been deleted, now back)")
    file: FileRead


class UploadResult(BaseModel):
    items: list[UploadItem]


class FileText(BaseModel):
    text: str
    length: int


class FileTextsRequest(StrictInput):
    file_ids: list[int] = Field(min_length=1, max_length=1000, description="up to 1,000 text files")


class FileTextItem(BaseModel):
    file_id: int
    text: str


class FileTexts(BaseModel):
    """The texts found, in the order asked; ``missing``: ids that are not visible text files of the project."""

    items: list[FileTextItem]
    missing: list[int]
