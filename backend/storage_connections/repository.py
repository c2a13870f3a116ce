"""SQL for storage connections and the files that reference them."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from backend.files.models import File
from backend.files.storage import content_key
from backend.storage_connections.models import StorageConnection

_IN_CHUNK = 500  # keeps IN lists well under SQLite's bound-parameter limit


def get(session: Session, project_id: int, connection_id: int) -> StorageConnection | None:
    return session.scalar(select(StorageConnection).where(StorageConnection.id == connection_id,
                                                          StorageConnection.project_id == project_id))


def by_name(session: Session, project_id: int, name: str) -> StorageConnection | None:
    return session.scalar(select(StorageConnection).where(StorageConnection.project_id == project_id,
                                                          StorageConnection.name == name))


def list_for(session: Session, project_id: int, after: int | None, limit: int) -> list[StorageConnection]:
    stmt = (select(StorageConnection).where(StorageConnection.project_id == project_id)
            .order_by(StorageConnection.id).limit(limit))
    if after is not None:
        stmt = stmt.where(StorageConnection.id > after)
    return list(session.scalars(stmt))


def count_files(session: Session, connection_id: int, *, deleted: bool) -> int:
    """Files (live, or soft-deleted) whose bytes are in this connection."""
    cond = File.deleted_at.is_not(None) if deleted else File.deleted_at.is_(None)
    return session.scalar(select(func.count()).select_from(File)
                          .where(File.storage_connection_id == connection_id, cond)) or 0


def detach_deleted_files(session: Session, connection_id: int) -> None:
    """Point soft-deleted files of this connection at their local content key (re-uploading restores them)."""
    rows = session.execute(select(File.id, File.project_id, File.content_hash)
                           .where(File.storage_connection_id == connection_id, File.deleted_at.is_not(None)))
    for file_id, project_id, content_hash in rows.all():
        session.execute(update(File).where(File.id == file_id).values(
            storage_connection_id=None, storage_etag=None,
            storage_key=content_key(project_id, content_hash)))


def referenced_keys(session: Session, connection_id: int, keys: Iterable[str]) -> dict[str, File]:
    """Live files of this connection already registered for any of these keys."""
    wanted = sorted(set(keys))
    found: dict[str, File] = {}
    for i in range(0, len(wanted), _IN_CHUNK):
        chunk = wanted[i:i + _IN_CHUNK]
        for f in session.scalars(select(File).where(File.storage_connection_id == connection_id,
                                                    File.deleted_at.is_(None), File.storage_key.in_(chunk))):
            found[f.storage_key] = f
    return found
