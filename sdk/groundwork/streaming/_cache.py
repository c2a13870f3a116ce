"""Caches: an in-memory LRU bounded by the bytes it really holds, and an optional disk cache.

The disk cache writes every file atomically (temp file in the same folder, then rename), keeps media
by content hash (shared by every snapshot and server: the same bytes are stored once), and keeps
item records per snapshot. A snapshot folder whose recorded identity (id, as_of, created_at, size)
differs from the server's — a database restored or reset, ids reused — is stale and is wiped.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

from groundwork.streaming._wire import RawItem
from groundwork.types import Snapshot


class ByteLRU:
    """position -> RawItem, evicting least recently used items beyond ``max_bytes``; thread-safe."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.bytes = 0
        self._items: OrderedDict[int, RawItem] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: int) -> RawItem | None:
        """The item, marked as recently used."""
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                self._items.move_to_end(key)
            return item

    def put(self, key: int, item: RawItem) -> None:
        """Keep an item (an item larger than the whole budget is not kept)."""
        size = item.nbytes
        if size > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.bytes -= old.nbytes
            self._items[key] = item
            self.bytes += size
            while self.bytes > self.max_bytes:
                _, evicted = self._items.popitem(last=False)
                self.bytes -= evicted.nbytes

    def __len__(self) -> int:
        return len(self._items)


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so a reader sees the old file or the whole new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _identity(snapshot: Snapshot) -> dict[str, Any]:
    return {"id": snapshot.id, "as_of": snapshot.as_of.isoformat(), "created_at": snapshot.created_at.isoformat(),
            "file_count": snapshot.file_count}


class DiskCache:
    """Item records and media of one snapshot of one server under ``root``."""

    def __init__(self, root: str | Path, server: str, snapshot: Snapshot) -> None:
        self.root = Path(root).expanduser()
        server_key = hashlib.sha256(server.encode()).hexdigest()[:16]
        self.dir = self.root / "snapshots" / server_key / f"project-{snapshot.project_id}" / f"snapshot-{snapshot.id}"
        meta = self.dir / "snapshot.json"
        wanted = _identity(snapshot)
        try:
            stale = json.loads(meta.read_bytes()) != wanted
        except (OSError, ValueError):
            stale = self.dir.exists()
        if stale:
            shutil.rmtree(self.dir, ignore_errors=True)
        if not meta.exists():
            atomic_write(meta, json.dumps(wanted).encode())

    def _media_path(self, content_hash: str) -> Path:
        return self.root / "media" / content_hash[:2] / content_hash

    def get(self, position: int) -> RawItem | None:
        """The cached item, or None (also when its media is missing or has the wrong size)."""
        try:
            record = json.loads((self.dir / f"{position}.json").read_bytes())
        except (OSError, ValueError):
            return None
        media = None
        if record.get("media"):
            try:
                media = self._media_path(record["content_hash"]).read_bytes()
            except OSError:
                return None
            if len(media) != record.get("size_bytes"):
                return None
        return RawItem(record, media)

    def put(self, item: RawItem) -> None:
        """Store an item (media only when its bytes hash to the recorded content hash)."""
        record = item.record
        if item.media is not None:
            path = self._media_path(record["content_hash"])
            if not path.exists():
                if hashlib.sha256(item.media).hexdigest() != record["content_hash"]:
                    return  # never cache bytes that are not what the server says they are
                atomic_write(path, item.media)
        atomic_write(self.dir / f"{record['position']}.json", json.dumps(record, separators=(",", ":")).encode())
