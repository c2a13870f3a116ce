"""HTTP: files — batch upload, URL import, listing, metadata edits, deletion and media."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request, Response, status
from sqlalchemy.orm import Session

from backend.config import Settings
from backend.core.deps import SessionDep, SettingsDep
from backend.core.pagination import Page, PageDep, make_page
from backend.files import ingest, media, service
from backend.files.deps import StorageDep
from backend.files.models import File, FileKind
from backend.files.schemas import (
    FileRead,
    FileText,
    FileTextItem,
    FileTexts,
    FileTextsRequest,
    FileUpdate,
    UploadForm,
    UploadItem,
    UploadResult,
    UrlImport,
)
from backend.files.storage import Storage
from backend.projects.deps import AnyMember, Editor
from backend.query import service as query_service
from backend.query.parser import MAX_QUERY_CHARS
from backend.storage_connections import media as remote_media

router = APIRouter(tags=["files"])
_BASE = "/projects/{project_id}/files"
# Multipart parsing refuses more parts than this outright (400); the configurable, lower
# ``max_files_per_upload`` is checked by the service with a clear 413.
_PARSER_MAX_FILES = 100_000


def _end_auth_transaction(session: Session) -> None:
    # On SQLite a write request holds the database write lock from its first query (the auth check)
    # to its commit. Uploads spend their time hashing, decoding and downloading, which needs no
    # database, so the read-only auth transaction ends here and the writes get a short one of their own.
    session.commit()


def _result(outcomes: list[ingest.Outcome]) -> UploadResult:
    return UploadResult(items=[UploadItem(input_name=o.input_name, status=o.status, file=FileRead.of(o.file))
                               for o in outcomes])


@router.post(_BASE, response_model=UploadResult, status_code=status.HTTP_201_CREATED,
             summary="Upload a batch of files (all or nothing; deduplicated by content)",
             form_limits={"max_files": _PARSER_MAX_FILES})
def upload_files(form: Annotated[UploadForm, Form(media_type="multipart/form-data")], access: Editor,
                 session: SessionDep, settings: SettingsDep, storage: StorageDep) -> UploadResult:
    ingest.upload_dataset(session, access, form.dataset_id)  # fail fast, before the heavy work
    _end_auth_transaction(session)
    with ingest.staging(settings) as tmp:
        items = ingest.prepare_uploads(form, settings, tmp)
        dataset = ingest.upload_dataset(session, access, form.dataset_id)
        return _result(ingest.store(session, storage, access, items, dataset))


@router.post(_BASE + "/import-url", response_model=UploadResult, status_code=status.HTTP_201_CREATED,
             summary="Import a file from an http(s) URL (private addresses refused)")
def import_url(body: UrlImport, access: Editor, session: SessionDep, settings: SettingsDep,
               storage: StorageDep) -> UploadResult:
    ingest.upload_dataset(session, access, body.dataset_id)
    _end_auth_transaction(session)
    with ingest.staging(settings) as tmp:
        items = ingest.fetch_url(body, settings, tmp)
        dataset = ingest.upload_dataset(session, access, body.dataset_id)
        return _result(ingest.store(session, storage, access, items, dataset))


@router.get(_BASE, response_model=Page[FileRead],
            summary="Files of the project (annotators: only files with a task assigned to them)")
def list_files(access: AnyMember, session: SessionDep, page: PageDep,
               kind: FileKind | None = None,
               dataset_id: Annotated[int | None, Query(ge=1, description="only files in this dataset")] = None,
               name: Annotated[str | None, Query(max_length=500, description="name contains (any case)")] = None,
               q: Annotated[str | None, Query(max_length=MAX_QUERY_CHARS,
                                              description="a query, e.g. labels.car > 3 (docs/query.md)")] = None,
               ) -> Page[FileRead]:
    match = query_service.file_condition(session, access, q, "query.q") if q else None
    rows = service.list_files(session, access, after=page.after, limit=page.limit + 1, kind=kind,
                              dataset_id=dataset_id, name=name, match=match)
    return make_page(rows, page, FileRead.of, lambda f: f.id)


@router.post(_BASE + "/texts", response_model=FileTexts,
             summary="The texts of many text files in one request (models read them in batches)")
def file_texts(body: FileTextsRequest, access: AnyMember, session: SessionDep, storage: StorageDep,
               settings: SettingsDep) -> FileTexts:
    found = service.get_visible_files(session, access, body.file_ids)
    wanted = list(dict.fromkeys(body.file_ids))
    texts = [found[i] for i in wanted if i in found and found[i].kind == FileKind.text]
    return FileTexts(items=[FileTextItem(file_id=f.id, text=_text(session, settings, storage, f)) for f in texts],
                     missing=[i for i in wanted if i not in found or found[i].kind != FileKind.text])


@router.get(_BASE + "/{file_id}", response_model=FileRead, summary="One file")
def get_file(file_id: int, access: AnyMember, session: SessionDep) -> FileRead:
    return FileRead.of(service.get_visible_file(session, access, file_id))


@router.patch(_BASE + "/{file_id}", response_model=FileRead, summary="Rename a file or replace its metadata")
def update_file(file_id: int, body: FileUpdate, access: Editor, session: SessionDep) -> FileRead:
    return FileRead.of(service.update_file(session, access, file_id, body))


@router.delete(_BASE + "/{file_id}", status_code=status.HTTP_204_NO_CONTENT,
               summary="Delete a file (uploading the same bytes again restores it)")
def delete_file(file_id: int, access: Editor, session: SessionDep) -> None:
    service.delete_file(session, access, file_id)


@router.get(_BASE + "/{file_id}/content", response_class=Response, summary="The file's bytes (ETag, Range)",
            responses={200: {"content": {"image/*": {}, "text/plain": {}}}, 206: {"description": "a range"},
                       304: {"description": "not modified"}})
def file_content(file_id: int, request: Request, access: AnyMember, session: SessionDep,
                 storage: StorageDep, settings: SettingsDep) -> Response:
    f = service.get_visible_file(session, access, file_id)
    media_type = "text/plain; charset=utf-8" if f.kind == FileKind.text else f.mime_type
    if f.storage_connection_id is not None:  # imported by reference: signed URL or proxied from the bucket
        return remote_media.serve(request, session, settings, f, media_type=media_type, filename=f.name)
    return media.serve(request, storage, f.storage_key, etag=f'"{f.content_hash}"', media_type=media_type,
                       filename=f.name)


@router.get(_BASE + "/{file_id}/thumbnail", response_class=Response, summary="JPEG thumbnail of an image",
            responses={200: {"content": {"image/jpeg": {}}}, 304: {"description": "not modified"}})
def file_thumbnail(file_id: int, request: Request, access: AnyMember, session: SessionDep,
                   storage: StorageDep) -> Response:
    f = service.get_visible_file(session, access, file_id)
    return media.serve(request, storage, service.thumbnail_key(f), etag=f'"{f.content_hash}-thumb"',
                       media_type="image/jpeg")


@router.get(_BASE + "/{file_id}/text", response_model=FileText, summary="The text of a text file, as JSON")
def file_text(file_id: int, access: AnyMember, session: SessionDep, storage: StorageDep,
              settings: SettingsDep) -> FileText:
    text = _text(session, settings, storage, service.get_visible_file(session, access, file_id))
    return FileText(text=text, length=len(text))


def _text(session: Session, settings: Settings, storage: Storage, f: File) -> str:
    """A text file's text, kept here or in a bucket (by reference)."""
    by_reference = f.storage_connection_id is not None
    return remote_media.read_text(session, settings, f) if by_reference else service.read_text(storage, f)
