"""HTTP: a project's storage connections (admins) — create, test, rotate, delete, import by reference."""

from __future__ import annotations

from fastapi import APIRouter, status
from sqlalchemy.orm import Session

from backend.core.deps import SessionDep, SettingsDep
from backend.core.pagination import Page, PageDep, make_page
from backend.files import ingest
from backend.files.deps import StorageDep
from backend.files.schemas import FileRead
from backend.projects.deps import Admin
from backend.storage_connections import checks, importer, service
from backend.storage_connections.schemas import (
    ImportedItem,
    ImportRequest,
    ImportResult,
    SkippedObject,
    StorageConnectionCreate,
    StorageConnectionRead,
    StorageConnectionUpdate,
    TestRequest,
    TestResult,
)

router = APIRouter(tags=["storage connections"])
_BASE = "/projects/{project_id}/storage-connections"


def _release_write_lock(session: Session) -> None:
    # On SQLite a write request holds the database write lock from its first query (the auth check)
    # to its commit. What follows talks to a bucket, which may be slow: end the read-only part here
    # so other writers are not blocked; the writes get a short transaction of their own.
    session.commit()


@router.post(_BASE, response_model=StorageConnectionRead, status_code=status.HTTP_201_CREATED,
             summary="Connect a bucket (tested before it is saved; credentials stored encrypted)")
def create_connection(body: StorageConnectionCreate, access: Admin, session: SessionDep,
                      settings: SettingsDep) -> StorageConnectionRead:
    _release_write_lock(session)
    return StorageConnectionRead.of(service.create_connection(session, settings, access, body))


@router.get(_BASE, response_model=Page[StorageConnectionRead], summary="The project's storage connections")
def list_connections(access: Admin, session: SessionDep, page: PageDep) -> Page[StorageConnectionRead]:
    rows = service.list_connections(session, access, page.after, page.limit + 1)
    return make_page(rows, page, StorageConnectionRead.of, lambda c: c.id)


@router.get(_BASE + "/{connection_id}", response_model=StorageConnectionRead, summary="One storage connection")
def get_connection(connection_id: int, access: Admin, session: SessionDep) -> StorageConnectionRead:
    return StorageConnectionRead.of(service.get_connection(session, access, connection_id))


@router.patch(_BASE + "/{connection_id}", response_model=StorageConnectionRead,
              summary="Change settings or rotate credentials (tested before it is saved)")
def update_connection(connection_id: int, body: StorageConnectionUpdate, access: Admin, session: SessionDep,
                      settings: SettingsDep) -> StorageConnectionRead:
    conn = service.get_connection(session, access, connection_id)
    _release_write_lock(session)
    return StorageConnectionRead.of(service.update_connection(session, settings, access, conn, body))


@router.delete(_BASE + "/{connection_id}", status_code=status.HTTP_204_NO_CONTENT,
               summary="Delete a connection (409 while files are stored by reference in it)")
def delete_connection(connection_id: int, access: Admin, session: SessionDep) -> None:
    service.delete_connection(session, access, service.get_connection(session, access, connection_id))


@router.post(_BASE + "/{connection_id}/test", response_model=TestResult,
             summary="Check reachability, credentials and permissions (list, read, sign; write on request)")
def check_connection(connection_id: int, access: Admin, session: SessionDep, settings: SettingsDep,
                     body: TestRequest | None = None) -> TestResult:
    conn = service.get_connection(session, access, connection_id)
    _release_write_lock(session)
    return checks.run_checks(settings, conn, write=bool(body and body.write))


@router.post(_BASE + "/{connection_id}/import", response_model=ImportResult,
             summary="Register the objects under a prefix as files, by reference (no copy)")
def import_objects(connection_id: int, body: ImportRequest, access: Admin, session: SessionDep,
                   settings: SettingsDep, storage: StorageDep) -> ImportResult:
    conn = service.get_connection(session, access, connection_id)
    ingest.upload_dataset(session, access, body.dataset_id)  # fail fast, before the bucket is read
    _release_write_lock(session)
    with service.opened(settings, conn) as store, ingest.staging(settings) as tmp:
        listing = importer.list_objects(store, conn, body, settings)
        known = importer.known_objects(session, conn, listing)
        _release_write_lock(session)
        scan = importer.read_objects(store, storage, settings, conn, body, listing, known, tmp)
    dataset = ingest.upload_dataset(session, access, body.dataset_id)
    outcomes = importer.register(session, access, conn, scan, dataset)
    counts = {s: sum(1 for o in outcomes if o.status == s) for s in ("created", "duplicate", "restored")}
    return ImportResult(listed=len(listing.objects), skipped=len(scan.errors), **counts,
                        items=[ImportedItem(key=o.key, status=o.status, file=FileRead.of(o.file)) for o in outcomes],
                        errors=[SkippedObject(key=k, reason=r) for k, r in scan.errors],
                        next_token=listing.next_token)
