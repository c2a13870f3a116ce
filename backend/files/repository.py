"""SQL for files, including who may see which file."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, exists, select, true
from sqlalchemy.orm import Session

from backend.datasets.models import DatasetFile
from backend.files.models import File, FileKind
from backend.tasks.models import Task

_IN_CHUNK = 500  # keeps IN lists well under SQLite's bound-parameter limit


def assigned_to(user_id: int) -> ColumnElement[bool]:
    """Files with a task (any kind, any status) assigned to this user."""
    return exists().where(Task.file_id == File.id, Task.project_id == File.project_id,
                          Task.assignee_id == user_id)


def visible_filter(sees_all: bool, user_id: int) -> ColumnElement[bool]:
    """The WHERE clause that limits files to those the caller may see."""
    return true() if sees_all else assigned_to(user_id)


def visible_file(session: Session, project_id: int, file_id: int,
                 visible: ColumnElement[bool]) -> File | None:
    return session.scalar(select(File).where(File.id == file_id, File.project_id == project_id,
                                             File.deleted_at.is_(None), visible))


def by_id(ids: Iterable[int]) -> ColumnElement[bool]:
    """Undeleted files among ``ids``: a lookup by primary key. Callers check the project on the rows, not in
    the WHERE clause: with ``project_id = $1`` there, a cached generic plan may pick the (project_id, ...)
    index and read every file of the project to find a few (seen on PostgreSQL: 1 -> 5 ms per bulk write
    as a 6,400-file project's writes went on)."""
    return File.id.in_(list(ids)) & File.deleted_at.is_(None)


def visible_files(session: Session, project_id: int, file_ids: Iterable[int],
                  visible: ColumnElement[bool]) -> list[File]:
    """The undeleted files among ``file_ids`` that pass ``visible`` (any order)."""
    return [f for f in session.scalars(select(File).where(by_id(file_ids), visible)) if f.project_id == project_id]


def list_files(session: Session, project_id: int, visible: ColumnElement[bool], *, after: int | None,
               limit: int, kind: FileKind | None = None, dataset_id: int | None = None,
               name: str | None = None, match: ColumnElement[bool] | None = None) -> list[File]:
    stmt = (select(File).where(File.project_id == project_id, File.deleted_at.is_(None), visible)
            .order_by(File.id).limit(limit))
    if match is not None:
        stmt = stmt.where(match)
    if after is not None:
        stmt = stmt.where(File.id > after)
    if kind is not None:
        stmt = stmt.where(File.kind == kind)
    if dataset_id is not None:
        stmt = stmt.where(exists().where(DatasetFile.file_id == File.id, DatasetFile.dataset_id == dataset_id))
    if name:
        stmt = stmt.where(File.name.icontains(name, autoescape=True))
    return list(session.scalars(stmt))


def by_hashes(session: Session, project_id: int, hashes: Iterable[str]) -> dict[str, File]:
    """Files of the project (deleted ones too) with any of these content hashes."""
    wanted = sorted(set(hashes))
    found: dict[str, File] = {}
    for i in range(0, len(wanted), _IN_CHUNK):
        chunk = wanted[i:i + _IN_CHUNK]
        for f in session.scalars(select(File).where(File.project_id == project_id,
                                                    File.content_hash.in_(chunk))):
            found[f.content_hash] = f
    return found


def live_ids(session: Session, project_id: int, file_ids: Iterable[int]) -> set[int]:
    """Which of these ids are undeleted files of the project."""
    wanted = sorted(set(file_ids))
    found: set[int] = set()
    for i in range(0, len(wanted), _IN_CHUNK):
        chunk = wanted[i:i + _IN_CHUNK]
        found.update(r.id for r in session.execute(select(File.id, File.project_id).where(by_id(chunk)))
                     if r.project_id == project_id)
    return found
