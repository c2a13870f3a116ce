"""Serving stored bytes over HTTP: strong ETags, 304 on If-None-Match, byte ranges, safe headers."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Request, Response
from fastapi.responses import FileResponse, StreamingResponse

from backend.core.errors import NotFound
from backend.files.storage import Storage

CACHE_CONTROL = "private, max-age=3600"
_CHUNK = 256 * 1024
# User content must never run as a page of ours: no MIME sniffing, no scripts, no plugins.
_SAFE = {"x-content-type-options": "nosniff", "content-security-policy": "default-src 'none'; sandbox"}


def etag_matches(header: str | None, etag: str) -> bool:
    """Whether an If-None-Match header matches ``etag`` (weak comparison, as RFC 9110 asks)."""
    if not header:
        return False
    if header.strip() == "*":
        return True
    bare = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == bare for tag in header.split(","))


def serve(request: Request, storage: Storage, key: str, *, etag: str, media_type: str,
          filename: str | None = None) -> Response:
    """The object under ``key``: 304 when the client's copy is current, Range support for local files."""
    headers = {"etag": etag, "cache-control": CACHE_CONTROL, **_SAFE}
    if etag_matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    path = storage.local_path(key)
    if path is not None:
        if not path.is_file():
            raise NotFound("the file's bytes are missing from storage")
        return FileResponse(path, media_type=media_type, headers=headers, filename=filename,
                            content_disposition_type="inline")
    if not storage.exists(key):
        raise NotFound("the file's bytes are missing from storage")

    def chunks() -> Iterator[bytes]:
        with storage.open(key) as f:
            while chunk := f.read(_CHUNK):
                yield chunk

    return StreamingResponse(chunks(), media_type=media_type, headers=headers)
