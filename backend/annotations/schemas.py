"""Bodies for annotations: one model per shape, told apart by ``type``."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from backend.auth.schemas import StrictInput
from backend.label_schemas.models import AnnotationType

Coord = Annotated[float, Field(allow_inf_nan=False)]


class BoxGeometry(StrictInput):
    """Axis-aligned box in image pixels: top-left corner, width and height."""

    x: Coord
    y: Coord
    w: Coord = Field(gt=0)
    h: Coord = Field(gt=0)


class PointGeometry(StrictInput):
    x: Coord
    y: Coord


class PolygonGeometry(StrictInput):
    points: list[tuple[Coord, Coord]] = Field(min_length=3, max_length=100_000)


class PolylineGeometry(StrictInput):
    points: list[tuple[Coord, Coord]] = Field(min_length=2, max_length=100_000)


class Keypoint(StrictInput):
    x: Coord
    y: Coord
    visible: bool = True


class KeypointsGeometry(StrictInput):
    """Named points in the order of the label's ``keypoint_names``."""

    points: list[Keypoint] = Field(min_length=1, max_length=1000)


class SpanGeometry(StrictInput):
    """Characters ``[start, end)`` of the file's text (offsets count Unicode code points)."""

    start: int = Field(ge=0)
    end: int = Field(gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end <= self.start:
            raise ValueError("end must be greater than start")
        return self


GEOMETRY_MODELS: dict[AnnotationType, type[StrictInput] | None] = {
    AnnotationType.box: BoxGeometry,
    AnnotationType.point: PointGeometry,
    AnnotationType.polygon: PolygonGeometry,
    AnnotationType.polyline: PolylineGeometry,
    AnnotationType.keypoints: KeypointsGeometry,
    AnnotationType.span: SpanGeometry,
    AnnotationType.tag: None,
}


class _AnnotationFields(StrictInput):
    id: uuid.UUID | None = Field(default=None, description="client-chosen id (optional)")
    schema_id: int | None = Field(default=None, description="required unless given for the whole request")
    label: str | None = Field(default=None, max_length=200, description="label name (or give label_id)")
    label_id: int | None = None
    attributes: dict[str, Any] = Field(default_factory=dict)
    source: Literal["human", "model"] = "human"
    model_name: str | None = Field(default=None, max_length=200)
    model_version: str | None = Field(default=None, max_length=100)
    score: float | None = Field(default=None, ge=0, le=1)

    @model_validator(mode="after")
    def _model_source(self) -> Self:
        if self.source == "model" and not self.model_name:
            raise ValueError("model_name is required when source is 'model'")
        return self


class BoxIn(_AnnotationFields):
    type: Literal["box"]
    geometry: BoxGeometry


class PointIn(_AnnotationFields):
    type: Literal["point"]
    geometry: PointGeometry


class PolygonIn(_AnnotationFields):
    type: Literal["polygon"]
    geometry: PolygonGeometry


class PolylineIn(_AnnotationFields):
    type: Literal["polyline"]
    geometry: PolylineGeometry


class KeypointsIn(_AnnotationFields):
    type: Literal["keypoints"]
    geometry: KeypointsGeometry


class SpanIn(_AnnotationFields):
    type: Literal["span"]
    geometry: SpanGeometry


class TagIn(_AnnotationFields):
    """A file-level classification: a label and/or file-level attributes, no geometry."""

    type: Literal["tag"]
    geometry: None = None

    @model_validator(mode="after")
    def _something(self) -> Self:
        if self.label is None and self.label_id is None and not self.attributes:
            raise ValueError("a tag needs a label or file-level attributes")
        return self


AnnotationIn = Annotated[BoxIn | PointIn | PolygonIn | PolylineIn | KeypointsIn | SpanIn | TagIn,
                         Field(discriminator="type")]


class AnnotationUpdate(StrictInput):
    """A change to an annotation; ``version`` is the one being edited (stale → 409)."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"version": 1, "geometry": {"x": 12, "y": 30, "w": 80, "h": 40}, "attributes": {"occluded": True}}]})
    version: int = Field(ge=1)
    label: str | None = Field(default=None, max_length=200)
    label_id: int | None = None
    geometry: dict[str, Any] | None = None
    attributes: dict[str, Any] | None = None
    score: float | None = Field(default=None, ge=0, le=1)
    source: Literal["human"] | None = Field(
        default=None, description="'human' when a person accepts or corrects a pre-label: it then counts as human "
                                  "work (model name and score stay as provenance; the model's version stays in "
                                  "the history)")


class _ContentRead(BaseModel):
    """What an annotation holds, shared by its current state and each version."""

    model_config = ConfigDict(from_attributes=True)
    file_id: int
    schema_id: int
    label_id: int | None
    type: AnnotationType
    geometry: dict[str, Any] | None
    attributes: dict[str, Any]
    source: str
    model_name: str | None
    model_version: str | None
    score: float | None


class AnnotationRead(_ContentRead):
    """The current state of an annotation."""

    id: uuid.UUID
    version: int
    created_by_id: int | None
    updated_by_id: int | None
    created_at: datetime
    updated_at: datetime


class AnnotationVersionRead(_ContentRead):
    """One immutable state in an annotation's history (``deleted``: the tombstone)."""

    annotation_id: uuid.UUID
    version: int
    deleted: bool
    author_id: int | None
    created_at: datetime


class FieldChange(BaseModel):
    before: Any
    after: Any


class AnnotationDiff(BaseModel):
    """What changed between two versions of one annotation."""

    annotation_id: uuid.UUID
    from_version: int
    to_version: int
    changes: dict[str, FieldChange]


class FileAnnotationsBulk(StrictInput):
    file_id: int
    annotations: list[AnnotationIn] = Field(max_length=100_000)


class BulkWrite(StrictInput):
    """Write (``append``) or replace the annotations of many files in one request."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "schema_id": 1, "mode": "replace", "replace_scope": "model",
        "files": [{"file_id": 10, "annotations": [
            {"type": "box", "label": "car", "geometry": {"x": 5, "y": 5, "w": 50, "h": 30},
             "source": "model", "model_name": "owlv2", "model_version": "1", "score": 0.91}]}]}]})
    schema_id: int | None = Field(default=None, description="default schema for every annotation")
    schema_revision: int | None = Field(
        default=None, ge=1, description="with schema_id: store nothing (409 stale_version) unless that schema is "
                                        "still at this revision, e.g. the one a model chose its labels from")
    mode: Literal["append", "replace"] = "append"
    replace_scope: Literal["all", "source", "model"] = Field(
        default="model",
        description="replace mode: which existing annotations of each file go — all of them, those of "
                    "the same source (human/model), or those of the same model_name")
    files: list[FileAnnotationsBulk] = Field(min_length=1, max_length=10_000)

    @field_validator("files")
    @classmethod
    def _unique_files(cls, value: list[FileAnnotationsBulk]) -> list[FileAnnotationsBulk]:
        seen: set[int] = set()
        for item in value:
            if item.file_id in seen:
                raise ValueError(f"file {item.file_id} appears twice")
            seen.add(item.file_id)
        return value


class BulkResult(BaseModel):
    files: int
    created: int
    replaced: int
    annotation_ids: dict[int, list[uuid.UUID]] = Field(description="new annotation ids per file id")

