"""SQL for queries: the project's vocabulary, samples for autocomplete, and running a compiled filter."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from backend.datasets.models import Dataset
from backend.files.models import File
from backend.label_schemas.models import AttributeGroup, Label, LabelSchema
from backend.query.fields import AttributeInfo, Vocabulary


def vocabulary(session: Session, project_id: int, *, reveal_datasets: bool) -> Vocabulary:
    """Labels (archived too: they still have annotations), attribute groups and datasets of a project."""
    vocab = Vocabulary(reveal_datasets=reveal_datasets)
    labels = session.execute(select(Label.name, Label.id).join(LabelSchema, LabelSchema.id == Label.schema_id)
                             .where(LabelSchema.project_id == project_id).order_by(Label.position, Label.id))
    for name, label_id in labels:
        vocab.labels.setdefault(name, []).append(label_id)
    groups = session.execute(select(AttributeGroup.name, AttributeGroup.kind, AttributeGroup.scope,
                                    AttributeGroup.options)
                             .join(LabelSchema, LabelSchema.id == AttributeGroup.schema_id)
                             .where(LabelSchema.project_id == project_id)
                             .order_by(AttributeGroup.position, AttributeGroup.id))
    for name, kind, scope, options in groups:
        vocab.attributes.setdefault(name, []).append(AttributeInfo(kind, scope.value, tuple(options or ())))
    datasets = session.execute(select(Dataset.name, Dataset.id).where(Dataset.project_id == project_id)
                               .order_by(Dataset.name))
    vocab.datasets = {row[0]: row[1] for row in datasets}
    return vocab


def files_where(project_id: int, visible: ColumnElement[bool], condition: ColumnElement[bool]) -> Select[Any]:
    """``SELECT files.*`` of a project's live, visible files matching a condition (no order, no limit)."""
    return select(File).where(File.project_id == project_id, File.deleted_at.is_(None), visible, condition)


def count_files(session: Session, project_id: int, visible: ColumnElement[bool],
                condition: ColumnElement[bool]) -> int:
    """How many live, visible files of a project match a condition."""
    stmt = (select(func.count()).select_from(File)
            .where(File.project_id == project_id, File.deleted_at.is_(None), visible, condition))
    return int(session.scalar(stmt) or 0)


def recent_metadata(session: Session, project_id: int, visible: ColumnElement[bool],
                    limit: int) -> list[dict[str, Any]]:
    """The metadata of the project's newest visible files (a sample for key suggestions)."""
    stmt = (select(File.meta).where(File.project_id == project_id, File.deleted_at.is_(None), visible)
            .order_by(File.id.desc()).limit(limit))
    return [m for m in session.scalars(stmt) if isinstance(m, dict)]
