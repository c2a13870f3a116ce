"""SQL for exports: the job rows, the files a job selected, and files with their annotations as of a time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Row,
    String,
    Text,
    case,
    cast,
    delete,
    func,
    insert,
    literal,
    null,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session, aliased

from backend.annotations.models import AnnotationVersion
from backend.datasets.models import DatasetFile
from backend.exports.models import ExportJob, ExportJobFile
from backend.files.models import File
from backend.label_schemas.models import AnnotationType, Label, LabelSchema


def get(session: Session, project_id: int, job_id: int) -> ExportJob | None:
    return session.scalars(select(ExportJob).where(ExportJob.id == job_id, ExportJob.project_id == project_id)).first()


def list_for(session: Session, project_id: int, before: int | None, limit: int) -> list[ExportJob]:
    """A project's exports, newest first."""
    stmt = select(ExportJob).where(ExportJob.project_id == project_id).order_by(ExportJob.id.desc()).limit(limit)
    if before is not None:
        stmt = stmt.where(ExportJob.id < before)
    return list(session.scalars(stmt))


def select_files(session: Session, job: ExportJob, condition: ColumnElement[bool]) -> int:
    """Record the files the job covers (one INSERT … SELECT); how many.

    A file counts if the condition holds now and it existed at ``as_of``: created by then and not
    deleted by then (files deleted later are still exported, as they were).
    """
    where = [File.project_id == job.project_id, condition, File.created_at <= job.as_of,
             or_(File.deleted_at.is_(None), File.deleted_at > job.as_of)]
    if job.dataset_id is not None:
        where.append(select(DatasetFile.file_id).where(DatasetFile.file_id == File.id,
                                                       DatasetFile.dataset_id == job.dataset_id).exists())
    chosen = select(literal(job.id), File.id).where(*where)
    session.execute(insert(ExportJobFile).from_select(["job_id", "file_id"], chosen))
    # (the driver's rowcount is -1 for INSERT ... SELECT through the ORM on PostgreSQL: count instead)
    return int(session.scalar(select(func.count()).where(ExportJobFile.job_id == job.id)) or 0)


def drop_selection(session: Session, job_id: int) -> None:
    """Forget the job's file list (it is only needed while the job runs)."""
    session.execute(delete(ExportJobFile).where(ExportJobFile.job_id == job_id))


_FILE_COLUMNS = (File.id, File.name, File.kind, File.mime_type, File.width, File.height, File.text_length,
                 File.content_hash, File.meta, File.storage_key, File.storage_connection_id)


def next_files(session: Session, job_id: int, after: int, limit: int) -> Sequence[Row[Any]]:
    """The job's next ``limit`` files after file id ``after``, in id order (keyset pagination)."""
    return session.execute(
        select(*_FILE_COLUMNS).join(ExportJobFile, ExportJobFile.file_id == File.id)
        .where(ExportJobFile.job_id == job_id, ExportJobFile.file_id > after)
        .order_by(ExportJobFile.file_id).limit(limit)).all()


def annotations_as_of(session: Session, file_ids: list[int], as_of: datetime, schema_id: int | None, *,
                      exact_geometry: bool) -> Sequence[Row[Any]]:
    """Each live annotation of these files as it stood at ``as_of`` (its newest version by then), ordered
    by file then annotation id.

    JSON comes back as text (``geometry``, ``attributes``) for the caller to decode only when it needs
    to; unless ``exact_geometry``, a box's geometry is left out and its numbers come as ``x y w h``
    columns instead (decoding a million small JSON documents is most of an export's time).
    """
    v, newer = AnnotationVersion, aliased(AnnotationVersion)
    # "No newer version by then" as an anti-join: both sides are index lookups (file and time; the
    # primary key), where a join to MAX(version) per annotation lets PostgreSQL scan the whole table.
    superseded = select(newer.version).where(newer.annotation_id == v.annotation_id, newer.version > v.version,
                                             newer.created_at <= as_of).exists()
    geometry: Any = cast(v.geometry, Text)
    if not exact_geometry:
        geometry = case((v.type == AnnotationType.box, null()), else_=geometry)
    stmt = (select(v.file_id, v.annotation_id, v.version, v.schema_id, v.label_id,
                   type_coerce(v.type, String).label("type"), geometry.label("geometry"),
                   cast(v.attributes, Text).label("attributes"), type_coerce(v.source, String).label("source"),
                   v.model_name, v.model_version, v.score, *(v.geometry[k].as_float().label(k) for k in "xywh"))
            .where(v.file_id.in_(file_ids), v.created_at <= as_of, v.deleted.is_(False), ~superseded)
            .order_by(v.file_id, v.annotation_id))
    if schema_id is not None:
        stmt = stmt.where(v.schema_id == schema_id)
    return session.execute(stmt).all()


def schema_labels(session: Session, schema_id: int) -> list[Label]:
    """A schema's labels in their order (archived ones too)."""
    return list(session.scalars(select(Label).where(Label.schema_id == schema_id).order_by(Label.position, Label.id)))


def project_label_names(session: Session, project_id: int) -> dict[int, str]:
    """Label id → name for every schema of a project."""
    rows = session.execute(select(Label.id, Label.name).join(LabelSchema, LabelSchema.id == Label.schema_id)
                           .where(LabelSchema.project_id == project_id))
    return {r[0]: r[1] for r in rows}


def schema_name(session: Session, schema_id: int) -> str | None:
    return session.scalar(select(LabelSchema.name).where(LabelSchema.id == schema_id))
