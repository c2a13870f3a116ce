"""HTTP: imports — upload annotations (202), poll the job, read its rejected rows, resume, list, delete.

Editors and admins may import; the upload is a multipart form (``file``, ``format``, ``schema_id``,
optional ``images`` and pre-label options).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, status
from sqlalchemy.orm import Session

from backend.core.deps import SessionDep, SettingsDep
from backend.core.pagination import Page, PageDep, PageParams, make_page, page_params_dep
from backend.files.deps import StorageDep
from backend.imports import service
from backend.imports.schemas import ImportForm, ImportRead, Rejection
from backend.projects.deps import Editor, Reader

router = APIRouter(tags=["imports"])
_BASE = "/projects/{project_id}/imports"
_PARSER_MAX_FILES = 100_000
RejectionPage = Annotated[PageParams, Depends(page_params_dep(max_limit=10_000, default_limit=500))]


def _end_auth_transaction(session: Session) -> None:
    # As for uploads: on SQLite the auth check opened the write transaction; storing a large upload
    # needs no database, so other writers are not kept waiting meanwhile.
    session.commit()


@router.post(_BASE, response_model=ImportRead, status_code=status.HTTP_202_ACCEPTED,
             summary="Import annotations (COCO, YOLO zip, Groundwork JSON Lines); runs in the background",
             form_limits={"max_files": _PARSER_MAX_FILES})
def create_import(form: Annotated[ImportForm, Form(media_type="multipart/form-data")], access: Editor,
                  session: SessionDep, settings: SettingsDep, storage: StorageDep) -> ImportRead:
    _end_auth_transaction(session)
    job = service.create_import(session, settings, storage, access, form)
    return service.read(session, settings, job)


@router.get(_BASE, response_model=Page[ImportRead], summary="The project's imports, newest first")
def list_imports(access: Reader, session: SessionDep, settings: SettingsDep, page: PageDep) -> Page[ImportRead]:
    rows = service.list_imports(session, access, page.after, page.limit + 1)
    return make_page(rows, page, lambda j: service.read(session, settings, j), lambda j: j.id)


@router.get(_BASE + "/{import_id}", response_model=ImportRead,
            summary="One import: status, progress (rows), counts, the first rejected rows, error")
def get_import(import_id: int, access: Reader, session: SessionDep, settings: SettingsDep) -> ImportRead:
    return service.read(session, settings, service.get_import(session, access, import_id))


@router.get(_BASE + "/{import_id}/rejections", response_model=Page[Rejection],
            summary="Every row the import rejected, with the reason, in upload order")
def import_rejections(import_id: int, access: Reader, session: SessionDep,
                      page: RejectionPage) -> Page[Rejection]:
    rows = service.rejections(session, access, import_id, page.after, page.limit + 1)
    return make_page(rows, page, lambda r: Rejection(row=r.row, reason=r.reason), lambda r: r.seq)


@router.post(_BASE + "/{import_id}/resume", response_model=ImportRead, status_code=status.HTTP_202_ACCEPTED,
             summary="Continue a failed import after the last row it committed")
def resume_import(import_id: int, access: Editor, session: SessionDep, settings: SettingsDep) -> ImportRead:
    return service.read(session, settings, service.resume(session, settings, access, import_id))


@router.delete(_BASE + "/{import_id}", status_code=status.HTTP_204_NO_CONTENT,
               summary="Forget an import and its upload (its annotations stay)")
def delete_import(import_id: int, access: Editor, session: SessionDep, settings: SettingsDep) -> None:
    service.delete_import(session, settings, access, import_id)
