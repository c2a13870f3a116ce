"""Label schemas: labels and attribute groups, several per project."""

from __future__ import annotations

import enum
from typing import Any

from sqlalchemy import Boolean, Enum, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.models import TimestampedModel
from backend.core.types import BigId, JsonDoc


class AnnotationType(enum.StrEnum):
    """The shapes an annotation can take."""

    box = "box"
    polygon = "polygon"
    polyline = "polyline"
    point = "point"
    keypoints = "keypoints"
    tag = "tag"
    span = "span"


class AttributeKind(enum.StrEnum):
    select = "select"
    multi_select = "multi_select"
    text = "text"
    number = "number"
    boolean = "boolean"


class AttributeScope(enum.StrEnum):
    """``file``: a classification of the whole file; ``instance``: a property of one annotation."""

    file = "file"
    instance = "instance"


class LabelSchema(TimestampedModel):
    """A named set of labels and attributes; ``revision`` grows with every change."""

    __tablename__ = "label_schemas"
    __table_args__ = (UniqueConstraint("project_id", "name"),)

    project_id: Mapped[int] = mapped_column(BigId, ForeignKey("projects.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    revision: Mapped[int] = mapped_column(Integer, default=1)


class Label(TimestampedModel):
    """A class; archived labels stay for history but take no new annotations."""

    __tablename__ = "labels"
    __table_args__ = (UniqueConstraint("schema_id", "name"),)

    schema_id: Mapped[int] = mapped_column(BigId, ForeignKey("label_schemas.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    color: Mapped[str] = mapped_column(String(7))
    annotation_types: Mapped[list[str]] = mapped_column(JsonDoc)
    keypoint_names: Mapped[list[str] | None] = mapped_column(JsonDoc)
    position: Mapped[int] = mapped_column(Integer, default=0)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)


class AttributeGroup(TimestampedModel):
    """A typed attribute, at file level (classification) or on annotations of some labels."""

    __tablename__ = "attribute_groups"
    __table_args__ = (UniqueConstraint("schema_id", "name"),)

    schema_id: Mapped[int] = mapped_column(BigId, ForeignKey("label_schemas.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[AttributeKind] = mapped_column(
        Enum(AttributeKind, native_enum=False, create_constraint=True, length=16)
    )
    scope: Mapped[AttributeScope] = mapped_column(
        Enum(AttributeScope, native_enum=False, create_constraint=True, length=16)
    )
    options: Mapped[list[str]] = mapped_column(JsonDoc, default=list)
    label_names: Mapped[list[str]] = mapped_column(JsonDoc, default=list)
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    min_value: Mapped[float | None] = mapped_column(Float)
    max_value: Mapped[float | None] = mapped_column(Float)
    default: Mapped[Any] = mapped_column(JsonDoc, nullable=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
