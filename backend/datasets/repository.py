"""SQL for datasets and dataset membership."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, delete, func, insert, select
from sqlalchemy.orm import Session

from backend.datasets.models import Dataset, DatasetFile
from backend.files.models import File

_IN_CHUNK = 500


def get(session: Session, project_id: int, dataset_id: int) -> Dataset | None:
    return session.scalar(select(Dataset).where(Dataset.id == dataset_id, Dataset.project_id == project_id))


def by_name(session: Session, project_id: int, name: str) -> Dataset | None:
    return session.scalar(select(Dataset).where(Dataset.project_id == project_id, Dataset.name == name))


def name_taken(session: Session, project_id: int, name: str, exclude_id: int | None = None) -> bool:
    stmt = select(func.count()).select_from(Dataset).where(Dataset.project_id == project_id,
                                                           Dataset.name == name)
    if exclude_id is not None:
        stmt = stmt.where(Dataset.id != exclude_id)
    return (session.scalar(stmt) or 0) > 0


def _live_count() -> ColumnElement[int]:
    return (select(func.count()).select_from(DatasetFile).join(File, File.id == DatasetFile.file_id)
            .where(DatasetFile.dataset_id == Dataset.id, File.deleted_at.is_(None))
            .correlate(Dataset).scalar_subquery())


def list_with_counts(session: Session, project_id: int, after: int | None,
                     limit: int) -> list[tuple[Dataset, int]]:
    stmt = (select(Dataset, _live_count()).where(Dataset.project_id == project_id)
            .order_by(Dataset.id).limit(limit))
    if after is not None:
        stmt = stmt.where(Dataset.id > after)
    return [(dataset, count) for dataset, count in session.execute(stmt).all()]


def file_count(session: Session, dataset_id: int) -> int:
    return session.scalar(select(func.count()).select_from(DatasetFile)
                          .join(File, File.id == DatasetFile.file_id)
                          .where(DatasetFile.dataset_id == dataset_id, File.deleted_at.is_(None))) or 0


def member_ids(session: Session, dataset_id: int, file_ids: Iterable[int]) -> set[int]:
    """Which of these files are already in the dataset."""
    wanted = sorted(set(file_ids))
    found: set[int] = set()
    for i in range(0, len(wanted), _IN_CHUNK):
        found.update(session.scalars(select(DatasetFile.file_id).where(
            DatasetFile.dataset_id == dataset_id, DatasetFile.file_id.in_(wanted[i:i + _IN_CHUNK]))))
    return found


def add_members(session: Session, dataset_id: int, file_ids: list[int]) -> None:
    if file_ids:
        session.execute(insert(DatasetFile), [{"dataset_id": dataset_id, "file_id": f} for f in file_ids])


def remove_members(session: Session, dataset_id: int, file_ids: list[int]) -> None:
    for i in range(0, len(file_ids), _IN_CHUNK):
        session.execute(delete(DatasetFile).where(DatasetFile.dataset_id == dataset_id,
                                                  DatasetFile.file_id.in_(file_ids[i:i + _IN_CHUNK])))


def files_in(session: Session, dataset_id: int, visible: ColumnElement[bool], after: int | None,
             limit: int) -> list[File]:
    stmt = (select(File).join(DatasetFile, DatasetFile.file_id == File.id)
            .where(DatasetFile.dataset_id == dataset_id, File.deleted_at.is_(None), visible)
            .order_by(File.id).limit(limit))
    if after is not None:
        stmt = stmt.where(File.id > after)
    return list(session.scalars(stmt))
