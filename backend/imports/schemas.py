"""Bodies for imports: the multipart upload, the job's state and its report of rejected rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import UploadFile
from pydantic import BaseModel, Field, field_validator, model_validator

from backend.auth.schemas import StrictInput
from backend.jobs.models import JobStatus

ImportFormat = Literal["coco", "yolo", "jsonl"]


class ImportForm(StrictInput):
    """The multipart form of an import; unknown fields are refused."""

    file: UploadFile = Field(description="the annotations: COCO JSON, a YOLO zip, or Groundwork JSON Lines")
    format: ImportFormat
    schema_id: int = Field(ge=1, description="the label schema the annotations belong to (labels matched by name)")
    images: list[UploadFile] = Field(default_factory=list, description="images to add to the project first "
                                     "(deduplicated by content; a YOLO zip may carry them under images/)")
    as_model: bool = Field(default=False, description="import as pre-labels: source 'model' with model_name")
    model_name: str | None = Field(default=None, max_length=200)
    model_version: str | None = Field(default=None, max_length=100)
    default_score: float | None = Field(default=None, ge=0, le=1, description="as_model: the score of rows "
                                        "that carry none")

    @field_validator("model_name", "model_version", "default_score", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _model_needs_name(self) -> ImportForm:
        if self.as_model and not self.model_name:
            raise ValueError("as_model needs model_name")
        if not self.as_model and (self.model_name or self.model_version or self.default_score is not None):
            raise ValueError("model_name, model_version and default_score are for as_model imports")
        return self


class Rejection(BaseModel):
    row: str = Field(description="where in the upload, e.g. annotations[12] (id 40), labels/a.txt:3, line 7")
    reason: str


class ImportProgress(BaseModel):
    done: int = Field(description="rows handled (written or rejected); an import resumes after them")
    total: int | None = Field(description="rows in the upload, once it was read")


class ImportRead(BaseModel):
    """An import job: poll it until ``status`` is ``succeeded`` or ``failed``."""

    id: int
    project_id: int
    format: ImportFormat
    schema_id: int
    source_name: str
    options: dict[str, Any]
    status: JobStatus
    progress: ImportProgress
    counts: dict[str, Any] = Field(description="rows, annotations (written), rejected, files_created, "
                                   "files_existing, dropped_attributes (name → rows)")
    rejections_sample: list[Rejection] = Field(description="the first rejected rows (all of them: "
                                               "GET .../rejections)")
    error: str | None = Field(description="why it stopped; what was written before stays (resume it)")
    resumable: bool = Field(description="a failed import whose upload is still here: POST .../resume")
    attempts: int
    created_by_id: int | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
