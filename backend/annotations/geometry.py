"""Checks of a shape against the file it is drawn on and the label it carries."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError

from backend.annotations.schemas import GEOMETRY_MODELS, KeypointsGeometry, SpanGeometry
from backend.core.errors import FieldError, ValidationFailed
from backend.files.models import FileKind
from backend.label_schemas.models import AnnotationType, Label

IMAGE_TYPES = frozenset({AnnotationType.box, AnnotationType.polygon, AnnotationType.polyline,
                         AnnotationType.point, AnnotationType.keypoints})


@dataclass(frozen=True, slots=True)
class FileShape:
    """What geometry is checked against: the file's kind and extent."""

    id: int
    kind: FileKind
    width: int | None
    height: int | None
    text_length: int | None


def parse_geometry(type_: AnnotationType, raw: object, where: str) -> object:
    """Validate a raw geometry dict for a type (used by updates, where the type is already known)."""
    model = GEOMETRY_MODELS[type_]
    if model is None:
        if raw is not None:
            raise ValidationFailed(f"a {type_.value} has no geometry", field=f"{where}.geometry")
        return None
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        fields = [FieldError(field=".".join([f"{where}.geometry", *map(str, e["loc"])]), message=e["msg"])
                  for e in exc.errors()]
        raise ValidationFailed(f"invalid {type_.value} geometry: {fields[0].message}", fields=fields) from exc


def check_shape(type_: AnnotationType, geometry: object, file: FileShape, label: Label | None,
                where: str) -> None:
    """Refuse shapes outside the image or text, types the file or label cannot take."""
    if type_ in IMAGE_TYPES and file.kind != FileKind.image:
        raise ValidationFailed(f"a {type_.value} needs an image file; file {file.id} is {file.kind.value}",
                               field=f"{where}.type")
    if type_ == AnnotationType.span and file.kind != FileKind.text:
        raise ValidationFailed(f"a span needs a text file; file {file.id} is {file.kind.value}",
                               field=f"{where}.type")
    if label is not None and type_.value not in label.annotation_types:
        raise ValidationFailed(f"label {label.name!r} does not allow {type_.value} annotations "
                               f"(allowed: {', '.join(label.annotation_types)})", field=f"{where}.type")
    if label is None and type_ != AnnotationType.tag:
        raise ValidationFailed(f"a {type_.value} needs a label", field=f"{where}.label")
    if type_ in IMAGE_TYPES:
        _inside_image(type_, geometry, file, label, where)
    elif type_ == AnnotationType.span:
        assert isinstance(geometry, SpanGeometry)
        if geometry.end > (file.text_length or 0):
            raise ValidationFailed(f"span ends at {geometry.end}, past the end of the text "
                                   f"({file.text_length} characters)", field=f"{where}.geometry.end")


def _inside_image(type_: AnnotationType, g: object, file: FileShape, label: Label | None, where: str) -> None:
    w, h = float(file.width or 0), float(file.height or 0)

    def inside(x: float, y: float, field: str) -> None:
        if not (0 <= x <= w and 0 <= y <= h):
            raise ValidationFailed(f"({x:g}, {y:g}) lies outside the {w:g}x{h:g} image",
                                   field=f"{where}.geometry.{field}")

    if type_ == AnnotationType.box:
        x, y, bw, bh = g.x, g.y, g.w, g.h  # type: ignore[attr-defined]
        inside(x, y, "x")
        inside(x + bw, y + bh, "w")
    elif type_ == AnnotationType.point:
        inside(g.x, g.y, "x")  # type: ignore[attr-defined]
    elif type_ == AnnotationType.keypoints:
        assert isinstance(g, KeypointsGeometry)
        names = label.keypoint_names if label is not None else None
        if names and len(g.points) != len(names):
            raise ValidationFailed(f"label {label.name!r} has {len(names)} keypoints "  # type: ignore[union-attr]
                                   f"({', '.join(names)}); got {len(g.points)}", field=f"{where}.geometry.points")
        for i, p in enumerate(g.points):
            if p.visible:
                inside(p.x, p.y, f"points.{i}")
    else:
        for i, (x, y) in enumerate(g.points):  # type: ignore[attr-defined]
            inside(x, y, f"points.{i}")
