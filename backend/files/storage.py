"""Media storage behind one interface; the local-directory implementation.

Keys are content-addressed (``p{project}/ab/abcdef...``), so writing the same key twice writes the
same bytes and a blob left behind by a rolled-back transaction is harmless. Cloud implementations
(S3, GCS, Azure) implement the same ``Storage`` protocol.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO, Protocol, runtime_checkable

_CHUNK = 1024 * 1024


def content_key(project_id: int, content_hash: str) -> str:
    """Where a project's original bytes with this SHA-256 live."""
    return f"p{project_id}/{content_hash[:2]}/{content_hash}"


def thumbnail_key(project_id: int, content_hash: str) -> str:
    """Where the JPEG thumbnail of that content lives."""
    return f"thumbs/p{project_id}/{content_hash[:2]}/{content_hash}.jpg"


class StorageKeyError(ValueError):
    """A key that would escape the storage root or is malformed."""


@runtime_checkable
class Storage(Protocol):
    """Where file bytes live. Every ``put_*`` is atomic: readers see the old object or the whole new one."""

    def put_bytes(self, key: str, data: bytes) -> None:
        """Store ``data`` under ``key``."""

    def put_stream(self, key: str, chunks: Iterable[bytes]) -> None:
        """Store a stream of chunks under ``key``."""

    def put_file(self, key: str, path: Path) -> None:
        """Store a local file under ``key``; the storage may move it (the caller must not reuse ``path``)."""

    def open(self, key: str) -> BinaryIO:
        """A readable binary file object for ``key`` (FileNotFoundError if absent)."""

    def read(self, key: str) -> bytes:
        """All bytes of ``key``."""

    def local_path(self, key: str) -> Path | None:
        """A path on this machine to serve ``key`` from, or None when the object is remote."""

    def size(self, key: str) -> int:
        """Size of ``key`` in bytes."""

    def exists(self, key: str) -> bool:
        """Whether ``key`` is stored."""

    def delete(self, key: str) -> None:
        """Remove ``key``; absent keys are ignored."""


class LocalStorage:
    """Objects as files under a root directory; writes go to a temp file in the target folder, then rename."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        parts = key.split("/")
        if not key or key.startswith("/") or any(p in ("", ".", "..") or "\\" in p for p in parts):
            raise StorageKeyError(f"bad storage key {key!r}")
        return self.root.joinpath(*parts)

    def put_stream(self, key: str, chunks: Iterable[bytes]) -> None:
        """Store a stream of chunks under ``key`` (temp file, fsync, rename)."""
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in chunks:
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise

    def put_bytes(self, key: str, data: bytes) -> None:
        """Store ``data`` under ``key``."""
        self.put_stream(key, [data])

    def put_file(self, key: str, path: Path) -> None:
        """Move (same file system) or copy a local file under ``key``."""
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(path, target)
        except OSError:  # another file system: copy to a temp file beside the target, then rename
            with open(path, "rb") as src:
                self.put_stream(key, iter(lambda: src.read(_CHUNK), b""))
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)

    def open(self, key: str) -> BinaryIO:
        """A readable binary file object for ``key``."""
        return open(self._path(key), "rb")  # the caller closes it

    def read(self, key: str) -> bytes:
        """All bytes of ``key``."""
        return self._path(key).read_bytes()

    def local_path(self, key: str) -> Path | None:
        """The file's path (local storage always has one)."""
        return self._path(key)

    def size(self, key: str) -> int:
        """Size of ``key`` in bytes."""
        return self._path(key).stat().st_size

    def exists(self, key: str) -> bool:
        """Whether ``key`` is stored."""
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        """Remove ``key`` if present."""
        with contextlib.suppress(FileNotFoundError):
            self._path(key).unlink()
