"""SQL for label schemas."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from backend.annotations.models import Annotation, AnnotationVersion
from backend.label_schemas.models import AttributeGroup, Label, LabelSchema
from backend.tasks.models import Task


def schema_in_project(session: Session, project_id: int, schema_id: int) -> LabelSchema | None:
    return session.scalar(select(LabelSchema).where(LabelSchema.id == schema_id,
                                                    LabelSchema.project_id == project_id))


def revision_in_project(session: Session, project_id: int, schema_id: int) -> tuple[int, datetime] | None:
    """A schema's revision and creation time (together they tell one stored state of it from any other)."""
    row = session.execute(select(LabelSchema.revision, LabelSchema.created_at)
                          .where(LabelSchema.id == schema_id, LabelSchema.project_id == project_id)).first()
    return (row[0], row[1]) if row is not None else None


def name_taken(session: Session, project_id: int, name: str, except_id: int | None = None) -> bool:
    stmt = select(LabelSchema.id).where(LabelSchema.project_id == project_id, LabelSchema.name == name)
    if except_id is not None:
        stmt = stmt.where(LabelSchema.id != except_id)
    return session.scalar(stmt) is not None


def schemas_of(session: Session, project_id: int, after: int | None, limit: int) -> list[LabelSchema]:
    stmt = select(LabelSchema).where(LabelSchema.project_id == project_id).order_by(LabelSchema.id).limit(limit)
    if after is not None:
        stmt = stmt.where(LabelSchema.id > after)
    return list(session.scalars(stmt))


def labels_of(session: Session, schema_ids: list[int]) -> list[Label]:
    return list(session.scalars(select(Label).where(Label.schema_id.in_(schema_ids))
                                .order_by(Label.position, Label.id)))


def attributes_of(session: Session, schema_ids: list[int]) -> list[AttributeGroup]:
    return list(session.scalars(select(AttributeGroup).where(AttributeGroup.schema_id.in_(schema_ids))
                                .order_by(AttributeGroup.position, AttributeGroup.id)))


def bump_revision(session: Session, schema_id: int, expected: int) -> bool:
    """Advance the revision only if it is still ``expected`` (optimistic concurrency)."""
    result = session.execute(update(LabelSchema).where(LabelSchema.id == schema_id,
                                                       LabelSchema.revision == expected)
                             .values(revision=expected + 1))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def label_in_use(session: Session, label_id: int) -> bool:
    """Whether an annotation carries the label now or did in its history (then it is archived, not deleted)."""
    return bool(session.scalar(select(exists().where(Annotation.label_id == label_id)
                                      | exists().where(AnnotationVersion.label_id == label_id))))


def schema_in_use(session: Session, schema_id: int) -> bool:
    return bool(session.scalar(select(exists().where(Annotation.schema_id == schema_id)))
                or session.scalar(select(exists().where(Task.schema_id == schema_id))))
