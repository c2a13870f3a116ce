"""SQL for imports: job rows, rejected rows, and finding project files by name."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from backend.files.models import File
from backend.imports.models import ImportJob, ImportRejection
from backend.label_schemas.models import AttributeGroup, Label


def get(session: Session, project_id: int, job_id: int) -> ImportJob | None:
    return session.scalars(select(ImportJob).where(ImportJob.id == job_id, ImportJob.project_id == project_id)).first()


def list_for(session: Session, project_id: int, before: int | None, limit: int) -> list[ImportJob]:
    """A project's imports, newest first."""
    stmt = select(ImportJob).where(ImportJob.project_id == project_id).order_by(ImportJob.id.desc()).limit(limit)
    if before is not None:
        stmt = stmt.where(ImportJob.id < before)
    return list(session.scalars(stmt))


def add_rejections(session: Session, job_id: int, rows: Sequence[tuple[int, str, str]]) -> None:
    """Record rejected rows: (position, where, reason)."""
    if rows:
        session.execute(insert(ImportRejection), [{"job_id": job_id, "seq": s, "row": r[:300], "reason": why[:1000]}
                                                  for s, r, why in rows])


def rejections(session: Session, job_id: int, after: int | None, limit: int) -> list[ImportRejection]:
    """Rejected rows in source order."""
    stmt = select(ImportRejection).where(ImportRejection.job_id == job_id).order_by(ImportRejection.seq).limit(limit)
    if after is not None:
        stmt = stmt.where(ImportRejection.seq > after)
    return list(session.scalars(stmt))


def rejection_count(session: Session, job_id: int) -> int:
    return int(session.scalar(select(func.count()).where(ImportRejection.job_id == job_id)) or 0)


_FILE = (File.id, File.name, File.kind, File.width, File.height)


def files_named(session: Session, project_id: int, names: Iterable[str]) -> Sequence[Any]:
    """The project's live files with any of these names."""
    return session.execute(select(*_FILE).where(File.project_id == project_id, File.deleted_at.is_(None),
                                                File.name.in_(list(names)))).all()


def files_after(session: Session, project_id: int, after: int, limit: int) -> Sequence[Any]:
    """The project's live files in id order (to match YOLO label files by stem)."""
    return session.execute(select(*_FILE).where(File.project_id == project_id, File.deleted_at.is_(None),
                                                File.id > after).order_by(File.id).limit(limit)).all()


def schema_labels(session: Session, schema_id: int) -> list[Label]:
    """A schema's live labels."""
    return list(session.scalars(select(Label).where(Label.schema_id == schema_id, Label.archived.is_(False))))


def schema_attribute_names(session: Session, schema_id: int) -> set[str]:
    """Names of a schema's live attributes."""
    return set(session.scalars(select(AttributeGroup.name).where(AttributeGroup.schema_id == schema_id,
                                                                 AttributeGroup.archived.is_(False))))
