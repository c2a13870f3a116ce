"""Each file's annotations as of a snapshot, as the JSON a batch splices in, kept per server process.

A snapshot is immutable, so what its files' annotations were at its ``as_of`` never changes: after the
first epoch, a training run's batches skip the as-of query and the JSON building, which were most of
the server's own work per item. Entries are keyed by (snapshot id, as_of, file id) — the as_of makes a
reused id (SQLite may reuse the highest one after a delete) a different key — and evicted least
recently used once they hold ``MAX_BYTES``. Visibility is not cached: every batch checks it again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from datetime import datetime

from cachetools import LRUCache

MAX_BYTES = 64 * 2**20
_ENTRY_OVERHEAD = 120  # the key tuple and the dict slot, roughly

Key = tuple[int, datetime, int]


class AnnotationCache:
    """A bytes-bounded LRU of per-file annotation JSON, safe to share between request threads."""

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self._entries: LRUCache[Key, str] = LRUCache(maxsize=max_bytes, getsizeof=lambda s: len(s) + _ENTRY_OVERHEAD)
        self._lock = threading.Lock()

    def get_many(self, snapshot_id: int, as_of: datetime, file_ids: Iterable[int],
                 load: Callable[[list[int]], dict[int, str]]) -> dict[int, str]:
        """Each file's JSON; ``load`` is called once with the files not cached and must answer for every one."""
        found: dict[int, str] = {}
        missing: list[int] = []
        with self._lock:
            for fid in file_ids:
                hit = self._entries.get((snapshot_id, as_of, fid))
                if hit is None:
                    missing.append(fid)
                else:
                    found[fid] = hit
        if missing:
            loaded = load(missing)
            with self._lock:
                for fid in missing:
                    self._entries[(snapshot_id, as_of, fid)] = loaded[fid]
            found.update(loaded)
        return found


ANNOTATIONS = AnnotationCache()
