"""SQL for snapshots: resolving one in a single INSERT ... SELECT, the manifest, and "as of" batch reads."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, Text, and_, case, cast, exists, func, insert, literal, select, text
from sqlalchemy.orm import Session

from backend.annotations.models import AnnotationVersion
from backend.datasets.models import DatasetFile
from backend.files.models import File
from backend.label_schemas.models import Label, LabelSchema
from backend.streaming.models import DatasetSnapshot, SnapshotFile


def get(session: Session, project_id: int, snapshot_id: int) -> DatasetSnapshot | None:
    return session.scalar(select(DatasetSnapshot).where(DatasetSnapshot.id == snapshot_id,
                                                        DatasetSnapshot.project_id == project_id))


def list_snapshots(session: Session, project_id: int, created_by: int | None, after: int | None,
                   limit: int) -> list[DatasetSnapshot]:
    stmt = (select(DatasetSnapshot).where(DatasetSnapshot.project_id == project_id)
            .order_by(DatasetSnapshot.id.desc()).limit(limit))
    if created_by is not None:
        stmt = stmt.where(DatasetSnapshot.created_by_id == created_by)
    if after is not None:
        stmt = stmt.where(DatasetSnapshot.id < after)
    return list(session.scalars(stmt))


def label_map(session: Session, project_id: int) -> dict[str, Any]:
    """Every label of the project (archived ones too: old annotations use them), keyed by id."""
    rows = session.execute(select(Label.id, Label.name, Label.schema_id)
                           .join(LabelSchema, LabelSchema.id == Label.schema_id)
                           .where(LabelSchema.project_id == project_id))
    return {str(r.id): {"name": r.name, "schema_id": r.schema_id} for r in rows}


def fill(session: Session, snapshot_id: int, project_id: int, *, visible: ColumnElement[bool],
         match: ColumnElement[bool], dataset_id: int | None, parent_id: int | None) -> int:
    """Insert the matching files at positions 0..n-1 (file id order) in one statement; returns n."""
    conds = [File.project_id == project_id, File.deleted_at.is_(None), visible, match]
    if dataset_id is not None:
        conds.append(exists().where(DatasetFile.file_id == File.id, DatasetFile.dataset_id == dataset_id))
    if parent_id is not None:
        conds.append(File.id.in_(select(SnapshotFile.file_id).where(SnapshotFile.snapshot_id == parent_id)))
    source = select(literal(snapshot_id), func.row_number().over(order_by=File.id) - 1, File.id).where(*conds)
    session.execute(insert(SnapshotFile).from_select(["snapshot_id", "position", "file_id"], source))
    return int(session.scalar(select(func.count()).select_from(SnapshotFile)
                              .where(SnapshotFile.snapshot_id == snapshot_id)) or 0)


def entries(session: Session, snapshot_id: int, visible: ColumnElement[bool], offset: int,
            limit: int) -> list[tuple[int, File]]:
    """Positions ``offset..`` with their files, skipping files the caller may not see."""
    stmt = (select(SnapshotFile.position, File).join(File, File.id == SnapshotFile.file_id)
            .where(SnapshotFile.snapshot_id == snapshot_id, SnapshotFile.position >= offset, visible)
            .order_by(SnapshotFile.position).limit(limit))
    return [(pos, f) for pos, f in session.execute(stmt).all()]


# What a batch needs of each file, as plain rows (building ORM objects would cost more than the query).
# JSON documents come back as their JSON text: the batch embeds them as they are, never parsing them.
FILE_COLUMNS = (File.id, File.project_id, File.kind, File.name, File.mime_type, File.content_hash, File.size_bytes,
                File.width, File.height, cast(File.meta, Text).label("meta_json"), File.storage_key,
                File.storage_connection_id)
VERSION_COLUMNS = (AnnotationVersion.annotation_id, AnnotationVersion.version, AnnotationVersion.file_id,
                   AnnotationVersion.schema_id, AnnotationVersion.label_id, AnnotationVersion.type,
                   cast(AnnotationVersion.geometry, Text).label("geometry_json"),
                   cast(AnnotationVersion.attributes, Text).label("attributes_json"), AnnotationVersion.source,
                   AnnotationVersion.model_name, AnnotationVersion.model_version, AnnotationVersion.score)


def files_at(session: Session, snapshot_id: int, positions: Sequence[int],
             visible: ColumnElement[bool]) -> dict[int, tuple[Row[Any], bool]]:
    """position -> (file row, whether the caller may see it) for the given positions that exist."""
    stmt = (select(SnapshotFile.position, case((visible, True), else_=False), *FILE_COLUMNS)
            .join(File, File.id == SnapshotFile.file_id)
            .where(SnapshotFile.snapshot_id == snapshot_id, SnapshotFile.position.in_(list(positions))))
    return {row[0]: (row, bool(row[1])) for row in session.execute(stmt).all()}


def files_by_id(session: Session, file_ids: Sequence[int]) -> list[File]:
    """Whole file rows (for the rare files kept in a bucket, whose reading needs them)."""
    return list(session.scalars(select(File).where(File.id.in_(list(file_ids)))))


def annotations_as_of(session: Session, file_ids: Sequence[int], as_of: datetime) -> Sequence[Any]:
    """Each annotation of these files as it stood at ``as_of`` (its newest version by then, unless deleted)."""
    if not file_ids:
        return []
    latest = (select(AnnotationVersion.annotation_id, func.max(AnnotationVersion.version).label("v"))
              .where(AnnotationVersion.file_id.in_(list(file_ids)), AnnotationVersion.created_at <= as_of)
              .group_by(AnnotationVersion.annotation_id).subquery())
    stmt = (select(*VERSION_COLUMNS)
            .join(latest, and_(AnnotationVersion.annotation_id == latest.c.annotation_id,
                               AnnotationVersion.version == latest.c.v))
            .where(AnnotationVersion.deleted.is_(False))
            .order_by(AnnotationVersion.file_id, AnnotationVersion.created_at, AnnotationVersion.annotation_id))
    return session.execute(stmt).all()


# PostgreSQL builds each file's annotations as the JSON a batch splices in (the fields of
# ``service._annotation``, in its order), so the server's Python handles one string per file instead of
# a row and a JSON document per annotation. ``:labels`` is the snapshot's label map (id -> name).
_AS_OF_JSON = text("""
SELECT v.file_id, string_agg(json_build_object(
         'id', v.annotation_id, 'version', v.version, 'schema_id', v.schema_id, 'label_id', v.label_id,
         'label', CAST(:labels AS jsonb) ->> CAST(v.label_id AS text), 'type', v.type,
         'source', v.source, 'model_name', v.model_name, 'model_version', v.model_version, 'score', v.score,
         'geometry', v.geometry, 'attributes', COALESCE(v.attributes, '{}'::jsonb))::text,
       ',' ORDER BY v.created_at, v.annotation_id)
FROM (SELECT DISTINCT ON (annotation_id) * FROM annotation_versions
      WHERE file_id = ANY(CAST(:ids AS bigint[])) AND created_at <= :as_of
      ORDER BY annotation_id, version DESC) AS v
WHERE NOT v.deleted
GROUP BY v.file_id
""")


def builds_annotation_json(session: Session) -> bool:
    """Whether the database builds the batch JSON itself (PostgreSQL; SQLite's rows are built in Python)."""
    return session.get_bind().dialect.name == "postgresql"


def annotation_json_as_of(session: Session, file_ids: Sequence[int], as_of: datetime,
                          labels: dict[str, Any]) -> dict[int, str]:
    """file id -> its annotations as of ``as_of``, as comma-separated JSON objects (PostgreSQL only)."""
    names = json.dumps({k: v["name"] for k, v in labels.items()})
    rows = session.execute(_AS_OF_JSON, {"labels": names, "ids": list(file_ids), "as_of": as_of})
    return {int(fid): body for fid, body in rows}
