"""The interface every bucket backend implements, its errors, and secret redaction for SDK messages.

Backends translate their SDK's exceptions into ``StoreError`` subclasses whose messages are written
for people and pass through ``Redactor`` first: SDK errors may echo request URLs, signatures or
connection strings, and nothing secret may reach a response body or a log line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

CHUNK = 1024 * 1024
LIST_PAGE_MAX = 1000

# Secret-looking parts of URLs and connection strings, whatever produced them.
_PATTERNS = (
    re.compile(r"(?i)(AccountKey|SharedAccessSignature|sig|X-Amz-Signature|X-Amz-Security-Token|Signature|"
               r"X-Goog-Signature|X-Goog-Credential|X-Amz-Credential|access_token|private_key)=([^&;\s\"']+)"),
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----", re.S),
    re.compile(r"(?i)(Bearer\s+)[A-Za-z0-9._~+/=-]+"),
)


class Redactor:
    """Removes known secret values, and anything shaped like a signature or key, from a text."""

    def __init__(self, secrets: Iterable[str]) -> None:
        # Longest first, so a secret that contains another is removed whole.
        self._secrets = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        """``text`` with secrets replaced by ``***``."""
        for secret in self._secrets:
            text = text.replace(secret, "***")
        text = _PATTERNS[0].sub(lambda m: f"{m.group(1)}=***", text)
        text = _PATTERNS[1].sub("***", text)
        return _PATTERNS[2].sub(lambda m: f"{m.group(1)}***", text)


class StoreError(Exception):
    """A bucket operation failed; ``field`` names the connection setting at fault, when one is."""

    field: str | None = None

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class AuthRejected(StoreError):
    """The provider refused the credentials (unknown key, bad signature, bad service-account key)."""

    field = "credentials"


class AccessDenied(StoreError):
    """The credentials are valid but lack a permission this operation needs."""

    field = "credentials"


class BucketMissing(StoreError):
    """The bucket or container does not exist."""

    field = "bucket"


class Unreachable(StoreError):
    """The endpoint cannot be reached, or did not answer in time."""

    field = "endpoint_url"


class ObjectMissing(StoreError):
    """The object does not exist (any more)."""


class BadToken(StoreError):
    """A listing continuation token the provider does not accept."""

    field = "continuation_token"


@dataclass(frozen=True)
class ObjectInfo:
    """One object of a listing, or the properties of a download."""

    key: str
    size: int
    etag: str | None
    content_type: str | None = None


@dataclass
class Download:
    """An open object read: its properties, the byte range delivered, the bytes, and how to let go."""

    info: ObjectInfo
    start: int
    length: int
    chunks: Iterator[bytes]
    close: Callable[[], None]


def normalise_etag(etag: str | None) -> str | None:
    """An ETag without weak prefix and quotes, so listings and downloads compare equal."""
    if etag is None:
        return None
    return etag.removeprefix("W/").strip('"') or None


class RemoteStore(Protocol):
    """A bucket behind one interface: list, head, download (ranges), put, delete, sign."""

    kind: str
    can_sign: bool  # whether signed_url can return a URL (credentials with a signing key)

    def check(self, prefix: str) -> None:
        """List at most one object under ``prefix``: proves reachability, credentials, bucket, listing."""

    def list_page(self, prefix: str, *, recursive: bool, page_size: int,
                  token: str | None) -> tuple[list[ObjectInfo], str | None]:
        """Up to ``page_size`` objects under ``prefix`` in key order, and the token of the next page."""

    def head(self, key: str) -> ObjectInfo:
        """The object's size and ETag (ObjectMissing when absent)."""

    def download(self, key: str, start: int | None = None, end: int | None = None) -> Download:
        """Open the object (or the inclusive byte range ``start``..``end``) for reading."""

    def put(self, key: str, chunks: Iterable[bytes], content_type: str | None = None) -> ObjectInfo:
        """Write an object from a stream of chunks; returns its properties."""

    def delete(self, key: str) -> None:
        """Remove an object; an absent one is not an error."""

    def signed_url(self, key: str, expires_s: int) -> str | None:
        """A URL that reads ``key`` without credentials for ``expires_s`` seconds; None when not possible."""

    def close(self) -> None:
        """Release connections."""


class ChunkReader:
    """A file-like ``read(n)`` over an iterator of chunks (what SDK uploads want)."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._it = iter(chunks)
        self._buf = b""

    def read(self, n: int = -1) -> bytes:
        """Up to ``n`` bytes (all remaining when ``n`` < 0); b"" at the end."""
        while n < 0 or len(self._buf) < n:
            chunk = next(self._it, None)
            if chunk is None:
                break
            self._buf += chunk
        if n < 0:
            out, self._buf = self._buf, b""
        else:
            out, self._buf = self._buf[:n], self._buf[n:]
        return out
