"""Bodies for datasets and their membership."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from backend.auth.schemas import StrictInput


class DatasetCreate(StrictInput):
    model_config = ConfigDict(json_schema_extra={"examples": [{"name": "night-drives",
                                                               "description": "low light"}]})
    name: str = Field(min_length=1, max_length=200, description="unique in the project")
    description: str = Field(default="", max_length=10000)


class DatasetUpdate(StrictInput):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=10000)


class DatasetRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    project_id: int
    name: str
    description: str
    file_count: int = Field(description="undeleted files in the dataset")
    created_at: datetime
    updated_at: datetime


class DatasetFilesChange(StrictInput):
    model_config = ConfigDict(json_schema_extra={"examples": [{"file_ids": [1, 2, 3]}]})
    file_ids: list[int] = Field(min_length=1, max_length=10000)


class DatasetFilesResult(BaseModel):
    dataset_id: int
    changed_file_ids: list[int] = Field(description="files actually added (or removed) by this call")
    file_count: int
