"""Datasets (named groups of files) and snapshots (a dataset or query resolved once, for streaming)."""

from __future__ import annotations

import builtins
from collections.abc import Iterator
from typing import Any

from groundwork._pages import AsyncPage, SyncPage
from groundwork.resources._base import AsyncResource, SyncResource
from groundwork.types import Dataset, DatasetFilesResult, File, Snapshot, SnapshotEntries, SnapshotEntry


def snapshot_body(dataset: str | int | None, query: str, parent_id: int | None) -> dict[str, Any]:
    """The body of ``POST /snapshots``: a dataset by id or name, a query, a parent to slice."""
    body: dict[str, Any] = {"query": query}
    if isinstance(dataset, int):
        body["dataset_id"] = dataset
    elif dataset is not None:
        body["dataset"] = dataset
    if parent_id is not None:
        body["parent_id"] = parent_id
    return body


class Datasets(SyncResource):
    """``project.datasets``."""

    def list(self) -> SyncPage[Dataset]:
        """The project's datasets with their file counts."""
        return self._page("/datasets", Dataset, limit=500)

    def get(self, dataset_id: int) -> Dataset:
        """One dataset."""
        return self._client.json("GET", self._path(f"/datasets/{dataset_id}"), Dataset)

    def by_name(self, name: str) -> Dataset:
        """The dataset with this name (LookupError if none)."""
        for dataset in self.list():
            if dataset.name == name:
                return dataset
        raise LookupError(f"no dataset named {name!r}")

    def create(self, name: str, *, description: str = "") -> Dataset:
        """A new, empty dataset."""
        return self._client.json("POST", self._path("/datasets"), Dataset,
                                 json={"name": name, "description": description})

    def delete(self, dataset_id: int) -> None:
        """Delete a dataset (its files stay)."""
        self._client.request("DELETE", self._path(f"/datasets/{dataset_id}"))

    def add_files(self, dataset_id: int, file_ids: builtins.list[int]) -> DatasetFilesResult:
        """Add files (idempotent)."""
        return self._client.json("POST", self._path(f"/datasets/{dataset_id}/files"), DatasetFilesResult,
                                 json={"file_ids": file_ids})

    def remove_files(self, dataset_id: int, file_ids: builtins.list[int]) -> DatasetFilesResult:
        """Remove files from a dataset."""
        return self._client.json("DELETE", self._path(f"/datasets/{dataset_id}/files"), DatasetFilesResult,
                                 json={"file_ids": file_ids})

    def files(self, dataset_id: int) -> SyncPage[File]:
        """The files in a dataset."""
        return self._page(f"/datasets/{dataset_id}/files", File, limit=500)


class Snapshots(SyncResource):
    """``project.snapshots``: the immutable resolutions streaming reads from."""

    def create(self, *, dataset: str | int | None = None, query: str = "", parent_id: int | None = None) -> Snapshot:
        """Resolve a dataset (name or id) and/or query now; the result never changes."""
        return self._client.json("POST", self._path("/snapshots"), Snapshot,
                                 json=snapshot_body(dataset, query, parent_id))

    def get(self, snapshot_id: int) -> Snapshot:
        """One snapshot."""
        return self._client.json("GET", self._path(f"/snapshots/{snapshot_id}"), Snapshot)

    def list(self) -> SyncPage[Snapshot]:
        """Snapshots, newest first."""
        return self._page("/snapshots", Snapshot, limit=200)

    def delete(self, snapshot_id: int) -> None:
        """Delete a snapshot."""
        self._client.request("DELETE", self._path(f"/snapshots/{snapshot_id}"))

    def entries(self, snapshot_id: int, *, page_size: int = 5000) -> Iterator[SnapshotEntry]:
        """Every position of a snapshot with its file id and content hash."""
        offset: int | None = 0
        while offset is not None:
            page = self._client.json("GET", self._path(f"/snapshots/{snapshot_id}/files"), SnapshotEntries,
                                     params={"offset": offset, "limit": page_size})
            yield from page.items
            offset = page.next_offset


class AsyncDatasets(AsyncResource):
    """``project.datasets`` (async)."""

    async def list(self) -> AsyncPage[Dataset]:
        """The project's datasets."""
        return await self._page("/datasets", Dataset, limit=500)

    async def create(self, name: str, *, description: str = "") -> Dataset:
        """A new, empty dataset."""
        return await self._client.json("POST", await self._path("/datasets"), Dataset,
                                       json={"name": name, "description": description})

    async def add_files(self, dataset_id: int, file_ids: builtins.list[int]) -> DatasetFilesResult:
        """Add files (idempotent)."""
        return await self._client.json("POST", await self._path(f"/datasets/{dataset_id}/files"),
                                       DatasetFilesResult, json={"file_ids": file_ids})


class AsyncSnapshots(AsyncResource):
    """``project.snapshots`` (async)."""

    async def create(self, *, dataset: str | int | None = None, query: str = "",
                     parent_id: int | None = None) -> Snapshot:
        """Resolve a dataset and/or query now."""
        return await self._client.json("POST", await self._path("/snapshots"), Snapshot,
                                       json=snapshot_body(dataset, query, parent_id))

    async def get(self, snapshot_id: int) -> Snapshot:
        """One snapshot."""
        return await self._client.json("GET", await self._path(f"/snapshots/{snapshot_id}"), Snapshot)
