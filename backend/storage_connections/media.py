"""Serving files imported by reference: a redirect to a short-lived signed URL, or a proxied stream.

Before either, the object's size and ETag are compared with those recorded at import: an object
that changed (or disappeared) in the bucket answers 409 with a clear message instead of serving
bytes that no longer match the file's content hash, annotations and thumbnail.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote

from fastapi import Request, Response
from fastapi.responses import RedirectResponse, StreamingResponse
from sqlalchemy.orm import Session

from backend.config import Settings
from backend.core.errors import Conflict, NotFound
from backend.files.media import CACHE_CONTROL, etag_matches
from backend.files.models import File, FileKind
from backend.files.storage import Storage
from backend.storage_connections import repository
from backend.storage_connections.backends.base import (
    Download,
    ObjectInfo,
    ObjectMissing,
    RemoteStore,
    StoreError,
    normalise_etag,
)
from backend.storage_connections.models import StorageConnection
from backend.storage_connections.service import StorageUnavailable, open_connection, opened

_SAFE = {"x-content-type-options": "nosniff", "content-security-policy": "default-src 'none'; sandbox"}
_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


def connection_of(session: Session, f: File) -> StorageConnection:
    """The connection a by-reference file reads from."""
    assert f.storage_connection_id is not None
    conn = repository.get(session, f.project_id, f.storage_connection_id)
    if conn is None:  # the foreign key makes this unreachable; say so clearly if it ever happens
        raise StorageUnavailable("the file's storage connection is gone", field="path.file_id")
    return conn


def _verify(f: File, info: ObjectInfo) -> None:
    stored, now = normalise_etag(f.storage_etag), normalise_etag(info.etag)
    if info.size != f.size_bytes or (stored and now and stored != now):
        raise Conflict(f"the object {f.storage_key!r} changed in the bucket since it was imported (size or ETag "
                       "differ); import it again to register the new content", field="path.file_id")


def _failed(f: File, exc: StoreError) -> Exception:
    if isinstance(exc, ObjectMissing):
        return Conflict(f"the object {f.storage_key!r} no longer exists in the bucket; restore it or delete "
                        "the file", field="path.file_id")
    return StorageUnavailable(f"the bucket could not serve this file: {exc.message}", field="path.file_id")


def _byte_range(header: str | None, size: int) -> tuple[int, int] | str | None:
    """(first, last) for one satisfiable range; None to send everything; "unsatisfiable" for a 416."""
    if not header:
        return None
    m = _RANGE.fullmatch(header.strip())
    if not m or (not m.group(1) and not m.group(2)):
        return None  # several ranges, or a form we do not serve: the whole object (allowed by RFC 9110)
    if not m.group(1):
        n = int(m.group(2))
        return (max(0, size - n), size - 1) if n else "unsatisfiable"
    first = int(m.group(1))
    last = min(int(m.group(2)), size - 1) if m.group(2) else size - 1
    if first >= size or last < first:
        return "unsatisfiable"
    return first, last


def serve(request: Request, session: Session, settings: Settings, f: File, *, media_type: str,
          filename: str | None = None) -> Response:
    """The file's bytes from its bucket: 304, a 307 to a signed URL, or a streamed 200/206."""
    etag = f'"{f.content_hash}"'
    headers = {"etag": etag, "cache-control": CACHE_CONTROL, **_SAFE}
    if etag_matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    conn = connection_of(session, f)
    wanted = _byte_range(request.headers.get("range"), f.size_bytes)
    if wanted == "unsatisfiable":
        return Response(status_code=416, headers={"content-range": f"bytes */{f.size_bytes}", **_SAFE})
    store = open_connection(settings, conn)
    try:
        if conn.options.get("signed_urls", True) and store.can_sign:
            _verify(f, store.head(f.storage_key))
            url = store.signed_url(f.storage_key, settings.signed_url_ttl_s)
            if url is not None:
                store.close()
                # The redirect itself must not outlive the signature.
                return RedirectResponse(url, status_code=307, headers={"cache-control": "private, no-store"})
        first, last = wanted if isinstance(wanted, tuple) else (None, None)
        download = store.download(f.storage_key, first, last)
    except StoreError as exc:
        store.close()
        raise _failed(f, exc) from None
    except Conflict:
        store.close()
        raise
    try:
        _verify(f, download.info)
    except Conflict:
        download.close()
        store.close()
        raise
    headers.update({"accept-ranges": "bytes", "content-length": str(download.length)})
    if filename:
        headers["content-disposition"] = f"inline; filename*=utf-8''{quote(filename)}"
    status = 200
    if isinstance(wanted, tuple):
        status = 206
        headers["content-range"] = f"bytes {download.start}-{download.start + download.length - 1}/{f.size_bytes}"
    return StreamingResponse(_stream(store, download), status_code=status, media_type=media_type,
                             headers=headers)


def _stream(store: RemoteStore, download: Download) -> Iterator[bytes]:
    try:
        yield from download.chunks
    except StoreError:
        return  # the status line is sent: all we can do is end the body short, which the client notices
    finally:
        download.close()
        store.close()


def read_text(session: Session, settings: Settings, f: File) -> str:
    """The text of a by-reference text file, checked against what was imported."""
    if f.kind != FileKind.text:
        raise NotFound("this file has no text (it is an image)", field="path.file_id")
    return _remote_bytes(session, settings, f).decode("utf-8-sig")


def read_file_bytes(session: Session, settings: Settings, storage: Storage, f: File) -> bytes:
    """All bytes of any file, local or by reference (exports and blocks that need the content)."""
    if f.storage_connection_id is None:
        return storage.read(f.storage_key)
    return _remote_bytes(session, settings, f)


def _remote_bytes(session: Session, settings: Settings, f: File) -> bytes:
    with opened(settings, connection_of(session, f)) as store:
        try:
            download = store.download(f.storage_key)
        except StoreError as exc:
            raise _failed(f, exc) from None
        try:
            _verify(f, download.info)
            return b"".join(download.chunks)
        except StoreError as exc:
            raise _failed(f, exc) from None
        finally:
            download.close()
