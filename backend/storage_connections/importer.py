"""Import by reference: list a prefix, read each object once, register files that point at the bucket.

Nothing is copied into local storage except thumbnails. Each object is streamed to a temp file
once to detect its type, hash it (dedup per project), measure it and thumbnail it; the temp file
is then removed. Three phases, so the database write lock is held only for the last one:
``list_objects`` (network), ``read_objects`` (network, no database), ``register`` (database).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.config import Settings
from backend.core.errors import AppError, Conflict, ValidationFailed
from backend.datasets import service as datasets
from backend.datasets.models import Dataset
from backend.events.service import record_many
from backend.files import repository as files_repository
from backend.files.models import File
from backend.files.prepare import PreparedItem, Staged, hashing_sink, new_temp, prepare
from backend.files.storage import Storage, thumbnail_key
from backend.projects.deps import ProjectAccess
from backend.storage_connections import repository
from backend.storage_connections.backends.base import (
    LIST_PAGE_MAX,
    AuthRejected,
    ObjectInfo,
    RemoteStore,
    StoreError,
    Unreachable,
    normalise_etag,
)
from backend.storage_connections.models import StorageConnection
from backend.storage_connections.schemas import ImportRequest, ImportStatus
from backend.storage_connections.service import StorageUnavailable

_KEY_MAX = 500
_ATTEMPTS = 3
_SCHEMES = {"s3": "s3", "gcs": "gs", "azure": "azure"}


@dataclass
class Listing:
    """The objects one call looks at, and where the next call starts."""

    objects: list[ObjectInfo]
    next_token: str | None


@dataclass
class Scan:
    """What reading the listed objects found."""

    items: list[tuple[str, str | None, PreparedItem]] = field(default_factory=list)  # key, etag, item
    known: list[tuple[str, File]] = field(default_factory=list)  # already registered, unchanged
    errors: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Outcome:
    """One registered object."""

    key: str
    status: ImportStatus
    file: File


def list_objects(store: RemoteStore, conn: StorageConnection, body: ImportRequest, settings: Settings) -> Listing:
    """List up to the call's limit under the connection's prefix plus ``body.prefix``."""
    limit = min(body.limit or settings.storage_import_max_objects, settings.storage_import_max_objects)
    prefix = conn.prefix + body.prefix
    token, objects = body.continuation_token, list[ObjectInfo]()
    try:
        while len(objects) < limit:
            page, token = store.list_page(prefix, recursive=body.recursive,
                                          page_size=min(LIST_PAGE_MAX, limit - len(objects)), token=token)
            objects.extend(page)
            if not token:
                break
    except StoreError as exc:
        if exc.field == "continuation_token":
            raise ValidationFailed(exc.message, field="body.continuation_token") from None
        raise StorageUnavailable(f"listing the bucket failed: {exc.message}", field="body.prefix") from None
    return Listing(objects=[o for o in objects if not o.key.endswith("/")], next_token=token)


def known_objects(session: Session, conn: StorageConnection, listing: Listing) -> dict[str, File]:
    """Live files already registered from these keys of this connection."""
    return repository.referenced_keys(session, conn.id, (o.key for o in listing.objects))


def read_objects(store: RemoteStore, storage: Storage, settings: Settings, conn: StorageConnection,
                 body: ImportRequest, listing: Listing, known: dict[str, File], staging: Path) -> Scan:
    """Read every new or changed object once; thumbnails go to local storage (content-addressed)."""
    scan = Scan()
    for index, obj in enumerate(listing.objects):
        f = known.get(obj.key)
        if f is not None and obj.etag and normalise_etag(obj.etag) == normalise_etag(f.storage_etag):
            scan.known.append((obj.key, f))
            continue
        reason = _refusal(obj, settings)
        if reason:
            scan.errors.append((obj.key, reason))
            continue
        try:
            etag, item = _read_one(store, settings, body, obj, index, staging)
        except AppError as exc:
            scan.errors.append((obj.key, exc.message))
            continue
        except (AuthRejected, Unreachable) as exc:  # every later object would fail the same way
            raise StorageUnavailable(f"reading {obj.key!r} failed: {exc.message}", field="body.prefix") from None
        except StoreError as exc:
            scan.errors.append((obj.key, exc.message))
            continue
        if item.thumbnail:
            thumb = thumbnail_key(conn.project_id, item.content_hash)
            if not storage.exists(thumb):
                storage.put_bytes(thumb, item.thumbnail)
            item.thumbnail = b"1"  # kept as a flag only: the bytes are stored
        scan.items.append((obj.key, etag, item))
    return scan


def _refusal(obj: ObjectInfo, settings: Settings) -> str | None:
    if len(obj.key) > _KEY_MAX:
        return f"the key is longer than {_KEY_MAX} characters"
    if obj.size == 0:
        return "the object is empty"
    if obj.size > settings.max_file_bytes:
        return f"the object is larger than the limit of {settings.max_file_bytes} bytes"
    return None


def _read_one(store: RemoteStore, settings: Settings, body: ImportRequest, obj: ObjectInfo, index: int,
              staging: Path) -> tuple[str | None, PreparedItem]:
    name = PurePosixPath(obj.key).name or obj.key
    out, path = new_temp(staging)
    try:
        download = store.download(obj.key)
        try:
            with out:
                sink = hashing_sink(out, max_bytes=settings.max_file_bytes, field_name="body.prefix",
                                    label=repr(obj.key))
                for chunk in download.chunks:
                    sink.write(chunk)
        finally:
            download.close()
        staged = Staged(index=index, filename=name, content_type=download.info.content_type, path=path,
                        size=sink.size, sha256=sink.hash.hexdigest(), field="body.prefix")
        items = prepare(staged, text_field="text", metadata=body.metadata, thumb_px=settings.thumbnail_size)
    finally:
        out.close()
        path.unlink(missing_ok=True)
    if len(items) != 1 or items[0].data is not None:
        raise StoreError("JSON Lines files become one text per row, which cannot be referenced; upload the file "
                         "instead")
    item = items[0]
    item.path = None
    return download.info.etag or obj.etag, item


def register(session: Session, access: ProjectAccess, conn: StorageConnection, scan: Scan,
             dataset: Dataset | None) -> list[Outcome]:
    """Create (or find, or restore) a file per read object; records events; fills the dataset."""
    outcomes: list[Outcome] = []
    for attempt in range(_ATTEMPTS):
        try:
            with session.begin_nested():
                outcomes = _insert(session, access, conn, scan)
            break
        except IntegrityError as exc:  # the same content registered concurrently: re-read and retry
            if attempt == _ATTEMPTS - 1:
                raise Conflict("the same content is being imported concurrently; retry", field="body.prefix") from exc
    outcomes += [Outcome(key=key, status=ImportStatus.duplicate, file=f) for key, f in scan.known]
    for status, event in ((ImportStatus.created, "file.created"), (ImportStatus.restored, "file.restored")):
        record_many(session, event, project_id=conn.project_id, actor_id=access.user.id,
                    payloads=[{"file_id": o.file.id, "kind": o.file.kind.value, "name": o.file.name,
                               "storage_connection_id": conn.id} for o in outcomes if o.status == status])
    if dataset is not None:
        datasets.add_checked_files(session, access, dataset, list(dict.fromkeys(o.file.id for o in outcomes)))
    return outcomes


def _insert(session: Session, access: ProjectAccess, conn: StorageConnection, scan: Scan) -> list[Outcome]:
    existing = files_repository.by_hashes(session, conn.project_id, (i.content_hash for _, _, i in scan.items))
    outcomes: list[Outcome] = []
    for key, etag, item in scan.items:
        found = existing.get(item.content_hash)
        if found is None:
            found = _new_file(access, conn, key, etag, item)
            session.add(found)
            status = ImportStatus.created
        elif found.deleted_at is not None:
            found.deleted_at = None
            if found.storage_connection_id is not None:  # its old object may be gone: point at this one
                _point_at(found, conn, key, etag)
            status = ImportStatus.restored
        else:
            status = ImportStatus.duplicate
        existing[item.content_hash] = found
        outcomes.append(Outcome(key=key, status=status, file=found))
    session.flush()
    return outcomes


def _point_at(f: File, conn: StorageConnection, key: str, etag: str | None) -> None:
    f.storage_connection_id, f.storage_key, f.storage_etag = conn.id, key, etag
    f.source_url = f"{_SCHEMES[conn.kind.value]}://{conn.bucket}/{key}"


def _new_file(access: ProjectAccess, conn: StorageConnection, key: str, etag: str | None,
              item: PreparedItem) -> File:
    f = File(project_id=conn.project_id, kind=item.kind, name=item.name, mime_type=item.mime_type,
             size_bytes=item.size_bytes, content_hash=item.content_hash, storage_key=key,
             thumbnail_key=thumbnail_key(conn.project_id, item.content_hash) if item.thumbnail else None,
             width=item.width, height=item.height, text_length=item.text_length, meta=item.meta,
             created_by_id=access.user.id)
    _point_at(f, conn, key, etag)
    return f
