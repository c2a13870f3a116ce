"""SQL for annotations: head rows, the append-only version log, and "as of" reads."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from backend.annotations.geometry import FileShape
from backend.annotations.models import Annotation, AnnotationVersion
from backend.files.models import File
from backend.tasks.models import Task, TaskStatus

# Columns copied from a head row into each version row.
CONTENT = ("project_id", "file_id", "schema_id", "label_id", "type", "geometry", "attributes", "source",
           "model_name", "model_version", "score")

# Core table for executemany UPDATEs (the ORM would turn a list of rows into a bulk update by key).
_HEADS = cast(Table, Annotation.__table__)

EDITABLE_TASK_STATUSES = (TaskStatus.available, TaskStatus.in_progress, TaskStatus.changes_requested)


def file_shapes(session: Session, project_id: int, file_ids: Iterable[int]) -> dict[int, FileShape]:
    """The live files of a project among ``file_ids``, with what geometry is checked against."""
    ids = list(file_ids)
    rows = session.execute(select(File.id, File.kind, File.width, File.height, File.text_length)
                           .where(File.project_id == project_id, File.id.in_(ids), File.deleted_at.is_(None)))
    return {r.id: FileShape(r.id, r.kind, r.width, r.height, r.text_length) for r in rows}


def annotator_files(session: Session, user_id: int, file_ids: Iterable[int], *, editable: bool) -> set[int]:
    """Which of ``file_ids`` the annotator has a task on (``editable``: one still open for work)."""
    stmt = select(Task.file_id).where(Task.assignee_id == user_id, Task.file_id.in_(list(file_ids)))
    if editable:
        stmt = stmt.where(Task.status.in_(EDITABLE_TASK_STATUSES))
    return set(session.scalars(stmt))


def insert_heads(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        session.execute(insert(Annotation), list(rows))


def insert_versions(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        session.execute(insert(AnnotationVersion), list(rows))


def head(session: Session, project_id: int, annotation_id: uuid.UUID) -> Annotation | None:
    return session.scalar(select(Annotation).where(Annotation.id == annotation_id,
                                                   Annotation.project_id == project_id))


def bump(session: Session, annotation_id: uuid.UUID, expected: int, values: dict[str, Any]) -> bool:
    """Write a new head state only if it is still at ``expected`` (race-free optimistic locking)."""
    result = session.execute(
        update(Annotation)
        .where(Annotation.id == annotation_id, Annotation.version == expected, Annotation.deleted.is_(False))
        .values(version=expected + 1, **values)
        .execution_options(synchronize_session=False))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def live_of_file(session: Session, file_id: int, schema_id: int | None, after: str | None,
                 limit: int) -> list[Annotation]:
    stmt = (select(Annotation).where(Annotation.file_id == file_id, Annotation.deleted.is_(False))
            .order_by(Annotation.id).limit(limit))
    if schema_id is not None:
        stmt = stmt.where(Annotation.schema_id == schema_id)
    if after is not None:
        stmt = stmt.where(Annotation.id > uuid.UUID(after))
    return list(session.scalars(stmt))


def as_of_file(session: Session, file_id: int, as_of: datetime, schema_id: int | None, after: str | None,
               limit: int) -> list[AnnotationVersion]:
    """Each annotation of a file as it stood at ``as_of`` (its newest version by then, unless deleted)."""
    latest = (select(AnnotationVersion.annotation_id, func.max(AnnotationVersion.version).label("v"))
              .where(AnnotationVersion.file_id == file_id, AnnotationVersion.created_at <= as_of)
              .group_by(AnnotationVersion.annotation_id).subquery())
    stmt = (select(AnnotationVersion)
            .join(latest, and_(AnnotationVersion.annotation_id == latest.c.annotation_id,
                               AnnotationVersion.version == latest.c.v))
            .where(AnnotationVersion.deleted.is_(False))
            .order_by(AnnotationVersion.annotation_id).limit(limit))
    if schema_id is not None:
        stmt = stmt.where(AnnotationVersion.schema_id == schema_id)
    if after is not None:
        stmt = stmt.where(AnnotationVersion.annotation_id > uuid.UUID(after))
    return list(session.scalars(stmt))


def versions_of(session: Session, annotation_id: uuid.UUID, after: int | None,
                limit: int) -> list[AnnotationVersion]:
    stmt = (select(AnnotationVersion).where(AnnotationVersion.annotation_id == annotation_id)
            .order_by(AnnotationVersion.version).limit(limit))
    if after is not None:
        stmt = stmt.where(AnnotationVersion.version > after)
    return list(session.scalars(stmt))


def version(session: Session, annotation_id: uuid.UUID, number: int) -> AnnotationVersion | None:
    return session.get(AnnotationVersion, (annotation_id, number))


def history_of_file(session: Session, file_id: int, after: tuple[str, str, int] | None,
                    limit: int) -> list[AnnotationVersion]:
    """Every version of every annotation on a file, oldest first."""
    stmt = (select(AnnotationVersion).where(AnnotationVersion.file_id == file_id)
            .order_by(AnnotationVersion.created_at, AnnotationVersion.annotation_id, AnnotationVersion.version)
            .limit(limit))
    if after is not None:
        at = datetime.fromisoformat(after[0])
        aid = uuid.UUID(after[1])
        stmt = stmt.where(
            (AnnotationVersion.created_at > at)
            | and_(AnnotationVersion.created_at == at, AnnotationVersion.annotation_id > aid)
            | and_(AnnotationVersion.created_at == at, AnnotationVersion.annotation_id == aid,
                   AnnotationVersion.version > after[2]))
    return list(session.scalars(stmt))


def live_heads_for_replace(session: Session, file_ids: list[int], scope: str, source: str | None,
                           model_names: set[str | None]) -> list[Annotation]:
    """The live annotations a replace-mode bulk write removes."""
    stmt = (select(Annotation).where(Annotation.file_id.in_(file_ids), Annotation.deleted.is_(False))
            .with_for_update())  # hold them against concurrent edits (no-op on SQLite)
    if scope == "source" and source is not None:
        stmt = stmt.where(Annotation.source == source)
    elif scope == "model":
        names = [n for n in model_names if n is not None]
        stmt = stmt.where(Annotation.source == "model", Annotation.model_name.in_(names))
    return list(session.scalars(stmt))


def tombstone_heads(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Mark many heads deleted at their next version (``rows``: id, expected version, time, user)."""
    if rows:
        session.execute(
            update(_HEADS).where(_HEADS.c.id == bindparam("b_id"), _HEADS.c.version == bindparam("b_v"))
            .values(deleted=True, version=bindparam("b_next"), updated_at=bindparam("b_at"),
                    updated_by_id=bindparam("b_by")).execution_options(synchronize_session=False),
            list(rows))

