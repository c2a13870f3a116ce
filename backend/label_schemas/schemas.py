"""Bodies for label schemas: a whole schema document is written at once and validated as a unit."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from backend.auth.schemas import StrictInput
from backend.label_schemas.models import AnnotationType, AttributeKind, AttributeScope

_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


class LabelIn(StrictInput):
    id: int | None = Field(default=None, description="keep an existing label (rename it); omit for a new one")
    name: str = Field(min_length=1, max_length=200)
    color: str = Field(description="#RRGGBB")
    annotation_types: list[AnnotationType] = Field(min_length=1)
    keypoint_names: list[str] | None = Field(default=None, description="names of the points, for keypoints")

    @field_validator("color")
    @classmethod
    def _color(cls, value: str) -> str:
        if not _COLOR.match(value):
            raise ValueError("a color like #1f77b4")
        return value.lower()

    @model_validator(mode="after")
    def _types(self) -> Self:
        if len(set(self.annotation_types)) != len(self.annotation_types):
            raise ValueError("annotation_types has duplicates")
        if AnnotationType.keypoints in self.annotation_types and not self.keypoint_names:
            raise ValueError("keypoint_names is required when keypoints is an allowed type")
        if self.keypoint_names is not None and len(set(self.keypoint_names)) != len(self.keypoint_names):
            raise ValueError("keypoint_names has duplicates")
        return self


class AttributeIn(StrictInput):
    id: int | None = None
    name: str = Field(min_length=1, max_length=200)
    kind: AttributeKind
    scope: AttributeScope
    options: list[str] = Field(default_factory=list, description="choices, for select and multi_select")
    label_names: list[str] = Field(default_factory=list,
                                   description="instance scope: labels it applies to (empty: all)")
    required: bool = False
    min_value: float | None = None
    max_value: float | None = None
    default: Any = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        choice = self.kind in (AttributeKind.select, AttributeKind.multi_select)
        if choice and not self.options:
            raise ValueError(f"options are required for a {self.kind.value} attribute")
        if not choice and self.options:
            raise ValueError(f"options only apply to select and multi_select, not {self.kind.value}")
        if len(set(self.options)) != len(self.options):
            raise ValueError("options has duplicates")
        if self.kind != AttributeKind.number and (self.min_value is not None or self.max_value is not None):
            raise ValueError("min_value/max_value only apply to number attributes")
        if self.min_value is not None and self.max_value is not None and self.min_value > self.max_value:
            raise ValueError("min_value is greater than max_value")
        if self.scope == AttributeScope.file and self.label_names:
            raise ValueError("label_names only apply to instance attributes")
        return self


class SchemaCreate(StrictInput):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "name": "objects", "description": "street scene objects",
        "labels": [{"name": "car", "color": "#1f77b4", "annotation_types": ["box", "polygon"]},
                   {"name": "pedestrian", "color": "#ff7f0e", "annotation_types": ["box", "keypoints"],
                    "keypoint_names": ["head", "left_foot", "right_foot"]}],
        "attributes": [{"name": "occluded", "kind": "boolean", "scope": "instance"},
                       {"name": "weather", "kind": "select", "scope": "file",
                        "options": ["sunny", "rainy", "snow"]}]}]})
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=10000)
    labels: list[LabelIn] = Field(default_factory=list, max_length=2000)
    attributes: list[AttributeIn] = Field(default_factory=list, max_length=500)


class SchemaUpdate(SchemaCreate):
    revision: int = Field(description="the revision being edited; a stale one gets 409")


class LabelRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    name: str
    color: str
    annotation_types: list[AnnotationType]
    keypoint_names: list[str] | None
    archived: bool


class AttributeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    name: str
    kind: AttributeKind
    scope: AttributeScope
    options: list[str]
    label_names: list[str]
    required: bool
    min_value: float | None
    max_value: float | None
    default: Any
    archived: bool


class SchemaRead(BaseModel):
    id: int
    project_id: int
    name: str
    description: str
    revision: int
    labels: list[LabelRead]
    attributes: list[AttributeRead]
    created_at: datetime
    updated_at: datetime
