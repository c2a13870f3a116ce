"""A schema loaded for validating annotations: labels and attributes by name and id."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import URL
from sqlalchemy.orm import Session

from backend.core.errors import ValidationFailed
from backend.label_schemas import repository
from backend.label_schemas.models import AttributeGroup, AttributeKind, AttributeScope, Label, LabelSchema

_MAX_TEXT = 10_000
_CURRENT_MAX = 1000


@dataclass
class SchemaSpec:
    """Everything needed to check an annotation against one schema, without more queries."""

    schema: LabelSchema
    labels_by_id: dict[int, Label] = field(default_factory=dict)
    labels_by_name: dict[str, Label] = field(default_factory=dict)
    attributes: dict[str, AttributeGroup] = field(default_factory=dict)

    @classmethod
    def current(cls, session: Session, project_id: int, schema_id: int) -> SchemaSpec | None:
        """The spec of a schema of this project (None: no such schema), reused while its revision stands.

        Every save validates against its schema: reading the schema, its labels and its attributes was
        three queries per save. Every change to them bumps the schema's revision (``update_schema``), so
        one query for the revision tells whether the spec this process loaded before is still current.
        """
        stored = repository.revision_in_project(session, project_id, schema_id)
        if stored is None:
            return None
        # Keyed by database too, and checked against the creation time: ids start again in a new database.
        key = (session.get_bind().engine.url, schema_id)
        spec = _CURRENT.get(key)
        if spec is not None and (spec.schema.revision, spec.schema.created_at) == stored:
            return spec
        # Loaded through a session of its own on the same connection (same transaction), then closed: the
        # cached objects are detached, so neither the caller's rollback nor its later work can expire them.
        with Session(bind=session.connection()) as loader:
            schema = repository.schema_in_project(loader, project_id, schema_id)
            if schema is None:
                return None
            spec = cls.load(loader, schema)
        if len(_CURRENT) >= _CURRENT_MAX:
            _CURRENT.clear()
        _CURRENT[key] = spec
        return spec

    @classmethod
    def load(cls, session: Session, schema: LabelSchema) -> SchemaSpec:
        """Read the schema's labels and attributes."""
        spec = cls(schema=schema)
        for label in repository.labels_of(session, [schema.id]):
            spec.labels_by_id[label.id] = label
            spec.labels_by_name[label.name] = label
        for attr in repository.attributes_of(session, [schema.id]):
            spec.attributes[attr.name] = attr
        return spec

    def resolve_label(self, label_id: int | None, label_name: str | None, where: str) -> Label | None:
        """The live label named by id or name (both given: they must agree); None if neither."""
        label: Label | None = None
        if label_id is not None:
            label = self.labels_by_id.get(label_id)
            if label is None:
                raise ValidationFailed(f"label {label_id} is not in schema {self.schema.name!r}",
                                       field=f"{where}.label_id")
        if label_name is not None:
            by_name = self.labels_by_name.get(label_name)
            if by_name is None:
                raise ValidationFailed(f"label {label_name!r} is not in schema {self.schema.name!r}",
                                       field=f"{where}.label")
            if label is not None and by_name.id != label.id:
                raise ValidationFailed("label and label_id name different labels", field=f"{where}.label")
            label = by_name
        if label is not None and label.archived:
            raise ValidationFailed(f"label {label.name!r} is archived", field=f"{where}.label")
        return label

    def check_attributes(self, values: dict[str, Any], *, scope: AttributeScope, label: Label | None,
                         enforce_required: bool, where: str) -> dict[str, Any]:
        """Validate attribute values for this scope (and label); returns them normalised."""
        out: dict[str, Any] = {}
        for name, value in values.items():
            path = f"{where}.attributes.{name}"
            attr = self.attributes.get(name)
            if attr is None or attr.archived:
                raise ValidationFailed(f"no attribute {name!r} in schema {self.schema.name!r}", field=path)
            if attr.scope != scope:
                raise ValidationFailed(f"attribute {name!r} is {attr.scope.value}-level", field=path)
            if scope == AttributeScope.instance and attr.label_names and (
                    label is None or label.name not in attr.label_names):
                raise ValidationFailed(f"attribute {name!r} does not apply to this label", field=path)
            out[name] = _check_value(attr, value, path)
        if enforce_required:
            for attr in self.attributes.values():
                applies = attr.scope == scope and not attr.archived and (
                    scope == AttributeScope.file or not attr.label_names
                    or (label is not None and label.name in attr.label_names))
                if attr.required and applies and attr.name not in out:
                    raise ValidationFailed(f"attribute {attr.name!r} is required",
                                           field=f"{where}.attributes.{attr.name}")
        return out


def _check_value(attr: AttributeGroup, value: Any, path: str) -> Any:
    kind = attr.kind
    if kind == AttributeKind.boolean:
        if not isinstance(value, bool):
            raise ValidationFailed("expected true or false", field=path)
    elif kind == AttributeKind.number:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise ValidationFailed("expected a number", field=path)
        if attr.min_value is not None and value < attr.min_value:
            raise ValidationFailed(f"must be at least {attr.min_value}", field=path)
        if attr.max_value is not None and value > attr.max_value:
            raise ValidationFailed(f"must be at most {attr.max_value}", field=path)
    elif kind == AttributeKind.text:
        if not isinstance(value, str) or len(value) > _MAX_TEXT:
            raise ValidationFailed(f"expected text of at most {_MAX_TEXT} characters", field=path)
    elif kind == AttributeKind.select:
        if value not in attr.options:
            raise ValidationFailed(f"must be one of {attr.options}", field=path)
    elif kind == AttributeKind.multi_select:
        if not isinstance(value, list) or any(v not in attr.options for v in value):
            raise ValidationFailed(f"must be a list drawn from {attr.options}", field=path)
        if len(set(value)) != len(value):
            raise ValidationFailed("has duplicates", field=path)
    return value


# (database, schema id) -> the spec this process loaded last (see ``SchemaSpec.current``); read-only once stored.
_CURRENT: dict[tuple[URL, int], SchemaSpec] = {}
