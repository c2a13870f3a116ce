"""``StreamingDataset``: a snapshot read in batches, with concurrent prefetch and bounded caches.

Never one request per sample: items travel in batches of ``fetch_size`` (one HTTP request each,
media and annotations together), ``prefetch`` batches ahead on ``threads`` threads. The object
pickles without its connections and caches, so DataLoader workers and other processes open their own.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from groundwork._base_client import Connection, SyncAPIClient
from groundwork._exceptions import ItemUnavailableError
from groundwork.resources._base import ProjectRef
from groundwork.resources.datasets import snapshot_body
from groundwork.streaming._cache import ByteLRU, DiskCache
from groundwork.streaming._decode import build_item
from groundwork.streaming._transport import BatchFetcher
from groundwork.streaming._wire import RawItem, encode_positions, parse_batch
from groundwork.types import Snapshot

if TYPE_CHECKING:
    from groundwork.streaming.tensorflow import TFDataset
    from groundwork.streaming.torch import StreamingIterableDataset, StreamingMapDataset

MiB = 1024 * 1024
_FIRST_FETCH = 16  # the first request of an iteration is small: it alone decides the time to the first item


@dataclass(frozen=True)
class StreamOptions:
    """How items are fetched, cached and decoded."""

    fetch_size: int = 128
    prefetch: int = 1
    readahead: int = 16  # ds[i] also fetches the items after i (sequential loops); 1 for random access
    threads: int = 2
    memory_cache_bytes: int = 64 * MiB
    disk_cache: str | Path | None = None
    decode: bool = True
    on_unavailable: Literal["raise", "skip"] = "raise"


@dataclass
class _Local:
    """Per-process state: never pickled."""

    pid: int
    batches: BatchFetcher
    lru: ByteLRU
    disk: DiskCache | None
    pool: ThreadPoolExecutor | None = None
    futures: dict[tuple[int, ...], Future[dict[int, RawItem]]] = field(default_factory=dict)


class StreamingDataset:
    """A snapshot of a project's files, readable by index, slice or iteration, on any number of processes."""

    def __init__(self, conn: Connection, project_id: int, snapshot: Snapshot, options: StreamOptions) -> None:
        self._conn, self.project_id, self.snapshot, self.options = conn, project_id, snapshot, options
        self._local: _Local | None = None

    @classmethod
    def create(cls, client: SyncAPIClient, ref: ProjectRef, *, dataset: str | int | None = None, query: str = "",
               parent_id: int | None = None, **options: Any) -> StreamingDataset:
        """Resolve a dataset and/or query into a new snapshot on the server, and stream it."""
        pid = ref.resolve()
        snap = client.json("POST", f"/projects/{pid}/snapshots", Snapshot,
                           json=snapshot_body(dataset, query, parent_id))
        return cls(client.conn, pid, snap, StreamOptions(**options))

    @classmethod
    def open(cls, client: SyncAPIClient, ref: ProjectRef, snapshot_id: int, **options: Any) -> StreamingDataset:
        """Stream an existing snapshot (the same items and annotations as when it was made)."""
        pid = ref.resolve()
        snap = client.json("GET", f"/projects/{pid}/snapshots/{snapshot_id}", Snapshot)
        return cls(client.conn, pid, snap, StreamOptions(**options))

    @property
    def snapshot_id(self) -> int:
        """Pass it to ``project.snapshot(id)`` to stream exactly these items again."""
        return self.snapshot.id

    @property
    def labels(self) -> dict[int, str]:
        """label id -> name, as they stood when the snapshot was taken."""
        return {label.id: label.name for label in self.snapshot.labels}

    def label_index(self, schema_id: int | None = None) -> dict[int, int]:
        """label id -> a contiguous class index 0..K-1 (by label id; optionally one schema's labels)."""
        ids = sorted(label.id for label in self.snapshot.labels if schema_id in (None, label.schema_id))
        return {label_id: i for i, label_id in enumerate(ids)}

    def with_options(self, **options: Any) -> StreamingDataset:
        """The same snapshot with other fetch/cache/decode options."""
        return StreamingDataset(self._conn, self.project_id, self.snapshot, replace(self.options, **options))

    def slice(self, query: str) -> StreamingDataset:
        """A new snapshot: this one's files that match ``query`` now (annotations stay as of this snapshot)."""
        with SyncAPIClient(self._conn) as api:  # rare: no client is kept per process for it
            snap = api.json("POST", f"/projects/{self.project_id}/snapshots", Snapshot,
                            json=snapshot_body(None, query, self.snapshot.id))
        return StreamingDataset(self._conn, self.project_id, snap, self.options)

    def __len__(self) -> int:
        return self.snapshot.file_count

    def __repr__(self) -> str:
        return f"StreamingDataset(snapshot_id={self.snapshot.id}, items={len(self)}, project_id={self.project_id})"

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_local": None}

    def _state(self) -> _Local:
        local = self._local
        if local is None or local.pid != os.getpid():  # first use, or a forked child: open our own
            disk = None
            if self.options.disk_cache is not None:
                disk = DiskCache(self.options.disk_cache, self._conn.base_url, self.snapshot)
            lru = ByteLRU(self.options.memory_cache_bytes)
            local = self._local = _Local(os.getpid(), BatchFetcher(self._conn), lru, disk)
        return local

    def _fetch(self, positions: Sequence[int]) -> dict[int, RawItem]:
        """Items from the caches, the rest from the server in batches of ``fetch_size``."""
        local = self._state()
        out: dict[int, RawItem] = {}
        missing: list[int] = []
        for pos in positions:
            hit = local.lru.get(pos)
            if hit is None and local.disk is not None:
                hit = local.disk.get(pos)
                if hit is not None:
                    local.lru.put(pos, hit)
            if hit is None:
                missing.append(pos)
            else:
                out[pos] = hit
        path = f"/projects/{self.project_id}/snapshots/{self.snapshot.id}/items"
        size = self.options.fetch_size
        for i in range(0, len(missing), size):
            group = missing[i:i + size]
            for raw in parse_batch(local.batches.get(path, {"positions": encode_positions(group)})):
                pos = raw.record["position"]
                out[pos] = raw
                if raw.record.get("error") is None:
                    local.lru.put(pos, raw)
                    if local.disk is not None:
                        local.disk.put(raw)
        return out

    def _item(self, pos: int, raw: RawItem | None) -> dict[str, Any] | None:
        error = "not returned" if raw is None else raw.record.get("error")
        if error is not None:
            if self.options.on_unavailable == "skip":
                return None
            raise ItemUnavailableError(pos, str(error))
        assert raw is not None
        return build_item(raw, decode=self.options.decode)

    def _index(self, i: int) -> int:
        n = len(self)
        if not -n <= i < n:
            raise IndexError(f"index {i} is out of range for {n} items")
        return i % n

    def __getitem__(self, i: int) -> dict[str, Any]:
        """One item; the ``readahead`` items after it come in the same request."""
        pos = self._index(i)
        ahead = list(range(pos, min(len(self), pos + max(1, self.options.readahead))))
        raw = self._state().lru.get(pos)
        item = self._item(pos, raw if raw is not None else self._fetch(ahead).get(pos))
        if item is None:
            raise ItemUnavailableError(pos, "unavailable")
        return item

    def get_many(self, indices: Sequence[int]) -> list[dict[str, Any]]:
        """Several items in one round trip (``on_unavailable="skip"`` leaves the unavailable out)."""
        positions = [self._index(i) for i in indices]
        found = self._fetch(positions)
        return [item for pos in positions if (item := self._item(pos, found.get(pos))) is not None]

    def iter_positions(self, positions: Sequence[int], *, first_fetch: int = _FIRST_FETCH) -> Iterator[dict[str, Any]]:
        """Items in this order, ``prefetch`` requests ahead on background threads.

        The first request asks for ``first_fetch`` items only (a DataLoader passes its batch size), so the
        first batch waits for one small response, not for a full ``fetch_size`` one.
        """
        local = self._state()
        if local.pool is None:
            local.pool = ThreadPoolExecutor(max_workers=self.options.threads, thread_name_prefix="groundwork-fetch")
        size, first = self.options.fetch_size, max(1, min(self.options.fetch_size, first_fetch))
        groups = [list(map(int, positions[:first]))]
        groups += [list(map(int, positions[i:i + size])) for i in range(first, len(positions), size)]
        groups = [g for g in groups if g]
        pending: list[Future[dict[int, RawItem]]] = []
        submitted = 0
        for k, group in enumerate(groups):
            if submitted == k:  # the first group goes alone, so nothing competes with it
                pending.append(local.pool.submit(self._fetch, groups[k]))
                submitted += 1
            found = pending.pop(0).result()
            while submitted <= min(k + self.options.prefetch, len(groups) - 1):
                pending.append(local.pool.submit(self._fetch, groups[submitted]))
                submitted += 1
            for pos in group:
                item = self._item(pos, found.get(pos))
                if item is not None:
                    yield item

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return self.iter_positions(range(len(self)))

    def to_pytorch(self, *, shuffle: bool = True, seed: int = 0, transform: Any = None, rank: int | None = None,
                   world_size: int | None = None, drop_last: bool = False, batch_size: int = 1
                   ) -> StreamingIterableDataset:
        """A torch IterableDataset split by rank and DataLoader worker (see groundwork.streaming.torch)."""
        from groundwork.streaming.torch import StreamingIterableDataset

        return StreamingIterableDataset(self, shuffle=shuffle, seed=seed, transform=transform, rank=rank,
                                        world_size=world_size, drop_last=drop_last, batch_size=batch_size)

    def to_pytorch_map(self, *, transform: Any = None) -> StreamingMapDataset:
        """A map-style torch Dataset (for DistributedSampler); batches are fetched with ``__getitems__``."""
        from groundwork.streaming.torch import StreamingMapDataset

        return StreamingMapDataset(self, transform=transform)

    def to_tensorflow(self, *, shuffle: bool = False, seed: int = 0, epoch: int = 0, rank: int = 0,
                      world_size: int = 1) -> TFDataset:
        """A ``tf.data.Dataset`` with an output signature (see groundwork.streaming.tensorflow)."""
        from groundwork.streaming.tensorflow import to_tensorflow

        return to_tensorflow(self, shuffle=shuffle, seed=seed, epoch=epoch, rank=rank, world_size=world_size)
