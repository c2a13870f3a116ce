"""Label schema rules: whole-document writes, archiving instead of losing history, revisions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from sqlalchemy.orm import Session

from backend.auth.models import User
from backend.core.errors import Conflict, NotFound, StaleVersion, ValidationFailed
from backend.events.service import record
from backend.label_schemas import repository
from backend.label_schemas.models import AttributeGroup, Label, LabelSchema
from backend.label_schemas.schemas import (
    AttributeIn,
    AttributeRead,
    LabelIn,
    LabelRead,
    SchemaCreate,
    SchemaRead,
    SchemaUpdate,
)
from backend.projects.models import Project

M = TypeVar("M", Label, AttributeGroup)


def get_schema(session: Session, project: Project, schema_id: int) -> LabelSchema:
    """A schema of this project, or 404."""
    schema = repository.schema_in_project(session, project.id, schema_id)
    if schema is None:
        raise NotFound("label schema not found")
    return schema


def read_many(session: Session, schemas: list[LabelSchema]) -> list[SchemaRead]:
    """Schemas with their labels and attributes, in two queries."""
    ids = [s.id for s in schemas]
    labels = repository.labels_of(session, ids) if ids else []
    attrs = repository.attributes_of(session, ids) if ids else []
    return [SchemaRead(id=s.id, project_id=s.project_id, name=s.name, description=s.description,
                       revision=s.revision, created_at=s.created_at, updated_at=s.updated_at,
                       labels=[LabelRead.model_validate(x) for x in labels if x.schema_id == s.id],
                       attributes=[AttributeRead.model_validate(a) for a in attrs if a.schema_id == s.id])
            for s in schemas]


def _check_document(data: SchemaCreate) -> None:
    names: dict[str, int] = {}
    for i, label in enumerate(data.labels):
        if label.name in names:
            raise ValidationFailed(f"label name {label.name!r} is used twice", field=f"body.labels.{i}.name")
        names[label.name] = i
    seen: set[str] = set()
    for i, attr in enumerate(data.attributes):
        if attr.name in seen:
            raise ValidationFailed(f"attribute name {attr.name!r} is used twice",
                                   field=f"body.attributes.{i}.name")
        seen.add(attr.name)
        for j, label_name in enumerate(attr.label_names):
            if label_name not in names:
                raise ValidationFailed(f"no label named {label_name!r} in this schema",
                                       field=f"body.attributes.{i}.label_names.{j}")


def create_schema(session: Session, project: Project, actor: User, data: SchemaCreate) -> LabelSchema:
    """A new schema with its labels and attributes."""
    _check_document(data)
    if repository.name_taken(session, project.id, data.name):
        raise Conflict("a label schema with this name already exists", field="body.name")
    for i, label in enumerate(data.labels):
        if label.id is not None:
            raise ValidationFailed("a new schema's labels cannot carry ids", field=f"body.labels.{i}.id")
    schema = LabelSchema(project_id=project.id, name=data.name, description=data.description, revision=1)
    session.add(schema)
    session.flush()
    for pos, label in enumerate(data.labels):
        session.add(_new_label(schema.id, pos, label))
    for pos, attr in enumerate(data.attributes):
        session.add(_new_attribute(schema.id, pos, attr))
    session.flush()
    record(session, "schema.created", project_id=project.id, actor_id=actor.id,
           payload={"schema_id": schema.id, "name": schema.name, "revision": 1})
    return schema


def _new_label(schema_id: int, pos: int, data: LabelIn) -> Label:
    return Label(schema_id=schema_id, name=data.name, color=data.color,
                 annotation_types=[t.value for t in data.annotation_types],
                 keypoint_names=data.keypoint_names, position=pos, archived=False)


def _new_attribute(schema_id: int, pos: int, data: AttributeIn) -> AttributeGroup:
    attr = AttributeGroup(schema_id=schema_id, position=pos, archived=False)
    _apply_attribute(attr, data)
    return attr


def _apply_attribute(attr: AttributeGroup, data: AttributeIn) -> None:
    attr.name, attr.kind, attr.scope = data.name, data.kind, data.scope
    attr.options, attr.label_names, attr.required = data.options, data.label_names, data.required
    attr.min_value, attr.max_value, attr.default = data.min_value, data.max_value, data.default
    attr.archived = False


def update_schema(session: Session, project: Project, actor: User, schema: LabelSchema,
                  data: SchemaUpdate) -> LabelSchema:
    """Replace the schema document; labels and attributes left out are archived (or dropped if unused)."""
    _check_document(data)
    if repository.name_taken(session, project.id, data.name, except_id=schema.id):
        raise Conflict("a label schema with this name already exists", field="body.name")
    labels = {x.id: x for x in repository.labels_of(session, [schema.id])}
    attrs = {a.id: a for a in repository.attributes_of(session, [schema.id])}
    label_plan = _match(labels, data.labels, "labels")
    attr_plan = _match(attrs, data.attributes, "attributes")
    if not repository.bump_revision(session, schema.id, data.revision):
        session.refresh(schema)
        raise StaleVersion(f"schema is at revision {schema.revision}, not {data.revision}",
                           field="body.revision", detail={"current_revision": schema.revision})
    kept_labels = {x.id for x in label_plan.values() if x is not None}
    removed_labels = []
    for label in labels.values():
        if label.id in kept_labels:
            continue
        if repository.label_in_use(session, label.id):
            label.archived = True
        else:
            session.delete(label)
        removed_labels.append(label.name)
    for attr in attrs.values():
        if attr.id not in {a.id for a in attr_plan.values() if a is not None}:
            attr.archived = True
    session.flush()  # free names held by dropped rows before renames reuse them
    for pos, (i, existing) in enumerate(label_plan.items()):
        incoming = data.labels[i]
        if existing is None:
            session.add(_new_label(schema.id, pos, incoming))
        else:
            existing.name, existing.color = incoming.name, incoming.color
            existing.annotation_types = [t.value for t in incoming.annotation_types]
            existing.keypoint_names, existing.position, existing.archived = incoming.keypoint_names, pos, False
    for pos, (i, existing_attr) in enumerate(attr_plan.items()):
        if existing_attr is None:
            session.add(_new_attribute(schema.id, pos, data.attributes[i]))
        else:
            _apply_attribute(existing_attr, data.attributes[i])
            existing_attr.position = pos
    schema.name, schema.description = data.name, data.description
    session.flush()
    session.refresh(schema)
    record(session, "schema.updated", project_id=project.id, actor_id=actor.id,
           payload={"schema_id": schema.id, "revision": schema.revision, "removed_labels": removed_labels})
    return schema


def _match(existing: dict[int, M], incoming: Sequence[LabelIn | AttributeIn],
                                       what: str) -> dict[int, M | None]:
    """Pair each incoming item with an existing row: by id if given, else by name; None means new."""
    by_name = {row.name: row for row in existing.values()}
    ids_given = {item.id for item in incoming if item.id is not None}
    plan: dict[int, M | None] = {}
    used: set[int] = set()
    for i, item in enumerate(incoming):
        row: M | None
        if item.id is not None:
            row = existing.get(item.id)
            if row is None:
                raise ValidationFailed(f"no {what[:-1]} with id {item.id} in this schema",
                                       field=f"body.{what}.{i}.id")
            clash = by_name.get(item.name)
            if clash is not None and clash.id != row.id and clash.id not in ids_given:
                raise ValidationFailed(f"name {item.name!r} is held by another (archived) {what[:-1]}; "
                                       "reuse that one by giving its id", field=f"body.{what}.{i}.name")
        else:
            row = by_name.get(item.name)
            if row is not None and row.id in ids_given:
                raise ValidationFailed(f"name {item.name!r} belongs to a {what[:-1]} being renamed",
                                       field=f"body.{what}.{i}.name")
        if row is not None:
            if row.id in used:
                raise ValidationFailed(f"{what[:-1]} {row.id} given twice", field=f"body.{what}.{i}")
            used.add(row.id)
        plan[i] = row
    return plan


def delete_schema(session: Session, project: Project, actor: User, schema: LabelSchema) -> None:
    """Delete a schema nobody has used yet; one with annotations or tasks is kept (409)."""
    if repository.schema_in_use(session, schema.id):
        raise Conflict("this schema has annotations or tasks; it cannot be deleted")
    session.delete(schema)
    record(session, "schema.deleted", project_id=project.id, actor_id=actor.id,
           payload={"schema_id": schema.id})
    session.flush()
