"""Bringing files in: batch uploads and URL imports, deduplicated by content, all or nothing.

Order of work: validate every input completely (``prepare``), then insert the rows, then write the
blobs; any error before the commit rolls the whole batch back. Blobs are content-addressed, so the
rare blob left by a failed commit is harmless and is reused by the next upload of those bytes.
"""

from __future__ import annotations

import email.message
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.config import Settings
from backend.core import net
from backend.core.errors import Conflict, PayloadTooLarge, ValidationFailed
from backend.datasets import service as datasets
from backend.datasets.models import Dataset
from backend.events.service import record_many
from backend.files import repository
from backend.files.models import File
from backend.files.prepare import PreparedItem, Staged, hashing_sink, new_temp, prepare, stage
from backend.files.schemas import ItemStatus, UploadForm, UrlImport
from backend.files.storage import Storage, content_key, thumbnail_key
from backend.projects.deps import ProjectAccess

_ATTEMPTS = 3


@dataclass(frozen=True)
class Outcome:
    """What happened to one prepared item."""

    input_name: str
    status: ItemStatus
    file: File


@contextmanager
def staging(settings: Settings) -> Iterator[Path]:
    """A private temp folder beside the media folder (same file system: storing is a rename)."""
    root = settings.data_dir / "staging"
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=root) as path:
        yield Path(path)


def upload_dataset(session: Session, access: ProjectAccess, dataset_id: int | None) -> Dataset | None:
    """The dataset named by an upload's ``dataset_id`` (422 when it is not the project's)."""
    if dataset_id is None:
        return None
    return datasets.get_dataset(session, access, dataset_id, field="body.dataset_id", missing=ValidationFailed)


def prepare_uploads(form: UploadForm, settings: Settings, tmp: Path) -> list[PreparedItem]:
    """Stage, hash and validate every uploaded file (no database, no storage writes)."""
    if len(form.files) > settings.max_files_per_upload:
        raise PayloadTooLarge(f"{len(form.files)} files in one upload; the limit is "
                              f"{settings.max_files_per_upload}", field="body.files")
    items: list[PreparedItem] = []
    for i, upload in enumerate(form.files):
        field = f"body.files.{i}"
        name = upload.filename or f"file-{i}"
        if upload.size is not None and upload.size > settings.max_file_bytes:
            raise PayloadTooLarge(f"{name!r} is larger than the limit of {settings.max_file_bytes} bytes",
                                  field=field)
        staged = stage(upload.file, tmp, index=i, filename=name, content_type=upload.content_type,
                       max_bytes=settings.max_file_bytes, field_name=field)
        items.extend(prepare(staged, text_field=form.text_field, metadata=form.metadata or {},
                             thumb_px=settings.thumbnail_size))
    return items


def fetch_url(body: UrlImport, settings: Settings, tmp: Path) -> list[PreparedItem]:
    """Download a URL through the SSRF guard and validate it like an upload."""
    policy = net.allow_everything if settings.allow_private_urls else net.refusal_reason
    out, path = new_temp(tmp)
    with out:
        sink = hashing_sink(out, max_bytes=settings.max_file_bytes, field_name="body.url", label="the download")
        try:
            fetched = net.fetch_to_file(body.url, sink, max_bytes=settings.max_file_bytes,
                                        timeout=settings.url_import_timeout_s, policy=policy)
        except net.UrlRefused as exc:
            raise ValidationFailed(str(exc), field="body.url") from exc
        except net.FetchTooLarge as exc:
            raise PayloadTooLarge(str(exc), field="body.url") from exc
        except net.FetchFailed as exc:
            raise ValidationFailed(f"could not fetch the URL: {exc}", field="body.url") from exc
    staged = Staged(index=0, filename=body.name or _download_name(fetched), content_type=fetched.content_type,
                    path=path, size=sink.size, sha256=sink.hash.hexdigest(), field="body.url")
    items = prepare(staged, text_field="text", metadata=body.metadata, thumb_px=settings.thumbnail_size)
    for item in items:
        item.source_url = body.url
    return items


def _download_name(fetched: net.Fetched) -> str:
    if fetched.content_disposition:
        msg = email.message.Message()
        msg["content-disposition"] = fetched.content_disposition
        if name := msg.get_filename():
            return PurePosixPath(name).name or "download"
    parts = urlsplit(fetched.final_url)
    return unquote(PurePosixPath(parts.path).name) or parts.hostname or "download"


def store(session: Session, storage: Storage, access: ProjectAccess, items: list[PreparedItem],
          dataset: Dataset | None) -> list[Outcome]:
    """Create (or find) a file per item, write new blobs, record events, fill the dataset."""
    outcomes: list[Outcome] = []
    for attempt in range(_ATTEMPTS):
        try:
            with session.begin_nested():
                outcomes = _insert(session, access, items)
            break
        except IntegrityError as exc:  # someone committed the same bytes meanwhile: re-read and retry
            if attempt == _ATTEMPTS - 1:
                raise Conflict("the same content is being uploaded concurrently; retry",
                               field="body.files") from exc
    for item, outcome in zip(items, outcomes, strict=True):
        if outcome.status != ItemStatus.duplicate:
            _write_blobs(storage, item, outcome.file, overwrite=outcome.status == ItemStatus.created)
    for status, event in ((ItemStatus.created, "file.created"), (ItemStatus.restored, "file.restored")):
        record_many(session, event, project_id=access.project.id, actor_id=access.user.id,
                    payloads=[{"file_id": o.file.id, "kind": o.file.kind.value, "name": o.file.name}
                              for o in outcomes if o.status == status])
    if dataset is not None:
        ids = list(dict.fromkeys(o.file.id for o in outcomes))
        datasets.add_checked_files(session, access, dataset, ids)
    return outcomes


def _insert(session: Session, access: ProjectAccess, items: list[PreparedItem]) -> list[Outcome]:
    project_id = access.project.id
    existing = repository.by_hashes(session, project_id, (i.content_hash for i in items))
    outcomes: list[Outcome] = []
    for item in items:
        found = existing.get(item.content_hash)
        if found is None:
            found = _new_file(project_id, access.user.id, item)
            session.add(found)
            status = ItemStatus.created
        elif found.deleted_at is not None:
            found.deleted_at = None  # uploading deleted bytes again brings the file back as it was
            if found.storage_connection_id is not None:  # was by reference: the uploaded bytes now live here
                found.storage_connection_id, found.storage_etag = None, None
                found.storage_key = content_key(project_id, item.content_hash)
            status = ItemStatus.restored
        else:
            status = ItemStatus.duplicate
        existing[item.content_hash] = found  # later items with these bytes are duplicates of it
        outcomes.append(Outcome(input_name=item.input_name, status=status, file=found))
    session.flush()
    return outcomes


def _new_file(project_id: int, user_id: int, item: PreparedItem) -> File:
    return File(project_id=project_id, kind=item.kind, name=item.name, mime_type=item.mime_type,
                size_bytes=item.size_bytes, content_hash=item.content_hash,
                storage_key=content_key(project_id, item.content_hash),
                thumbnail_key=thumbnail_key(project_id, item.content_hash) if item.thumbnail else None,
                width=item.width, height=item.height, text_length=item.text_length, meta=item.meta,
                source_url=item.source_url, created_by_id=user_id)


def _write_blobs(storage: Storage, item: PreparedItem, f: File, *, overwrite: bool) -> None:
    if overwrite or not storage.exists(f.storage_key):
        if item.path is not None:
            storage.put_file(f.storage_key, item.path)
        elif item.data is not None:
            storage.put_bytes(f.storage_key, item.data)
    if f.thumbnail_key and item.thumbnail and (overwrite or not storage.exists(f.thumbnail_key)):
        storage.put_bytes(f.thumbnail_key, item.thumbnail)
