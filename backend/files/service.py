"""Rules for reading, editing and deleting files, and who may see them.

Annotator visibility rule: an annotator sees only the files that have a task assigned to them
(``Task.assignee_id == user.id``, any kind, any status); every other file answers 404 to them, as
if it did not exist. Admins, editors and viewers see every file of the project. Other domains use
``get_visible_file`` and ``visible_files_filter`` so the rule lives in one place.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from backend.core.errors import NotFound
from backend.core.types import utcnow
from backend.events.service import record
from backend.files import repository
from backend.files.models import File, FileKind
from backend.files.schemas import FileUpdate
from backend.files.storage import Storage
from backend.projects.deps import ProjectAccess


def visible_files_filter(access: ProjectAccess) -> ColumnElement[bool]:
    """A WHERE clause on ``File`` keeping the files this caller may see (see the module docstring)."""
    return repository.visible_filter(access.sees_all_files, access.user.id)


def get_visible_file(session: Session, access: ProjectAccess, file_id: int,
                     field: str = "path.file_id") -> File:
    """The undeleted file of this project that the caller may see, else 404 naming ``field``."""
    found = repository.visible_file(session, access.project.id, file_id, visible_files_filter(access))
    if found is None:
        raise NotFound("file not found", field=field)
    return found


def get_visible_files(session: Session, access: ProjectAccess, file_ids: list[int]) -> dict[int, File]:
    """The undeleted files of this project among ``file_ids`` that the caller may see, by id."""
    return {f.id: f for f in repository.visible_files(session, access.project.id, file_ids,
                                                      visible_files_filter(access))}


def list_files(session: Session, access: ProjectAccess, *, after: int | None, limit: int,
               kind: FileKind | None, dataset_id: int | None, name: str | None,
               match: ColumnElement[bool] | None = None) -> list[File]:
    """A page (``limit`` rows) of the files the caller may see, filtered (``match``: a compiled query)."""
    return repository.list_files(session, access.project.id, visible_files_filter(access), after=after,
                                 limit=limit, kind=kind, dataset_id=dataset_id, name=name, match=match)


def update_file(session: Session, access: ProjectAccess, file_id: int, data: FileUpdate) -> File:
    """Rename a file and/or replace its metadata; records ``file.updated``."""
    f = get_visible_file(session, access, file_id)
    changed = sorted(k for k, v in data.model_dump(exclude_unset=True).items() if v is not None)
    if data.name is not None:
        f.name = data.name
    if data.metadata is not None:
        f.meta = data.metadata
    session.flush()
    record(session, "file.updated", project_id=f.project_id, actor_id=access.user.id,
           payload={"file_id": f.id, "changed": changed})
    return f


def delete_file(session: Session, access: ProjectAccess, file_id: int) -> None:
    """Soft-delete a file (its bytes stay; uploading them again restores it); records ``file.deleted``."""
    f = get_visible_file(session, access, file_id)
    f.deleted_at = utcnow()
    session.flush()
    record(session, "file.deleted", project_id=f.project_id, actor_id=access.user.id,
           payload={"file_id": f.id, "kind": f.kind.value, "name": f.name})


def thumbnail_key(f: File) -> str:
    """Where the file's thumbnail is stored (404 for files without one, i.e. texts)."""
    if not f.thumbnail_key:
        raise NotFound("this file has no thumbnail (it is not an image)", field="path.file_id")
    return f.thumbnail_key


def read_text(storage: Storage, f: File) -> str:
    """The text of a text file (404 for images)."""
    if f.kind != FileKind.text:
        raise NotFound("this file has no text (it is an image)", field="path.file_id")
    return storage.read(f.storage_key).decode("utf-8-sig")
