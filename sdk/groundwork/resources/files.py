"""Files: concurrent batch upload with progress, listing, metadata, media; calling it streams a query."""

from __future__ import annotations

import asyncio
import builtins
import mimetypes
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from groundwork._pages import AsyncPage, SyncPage
from groundwork._progress import ProgressArg, progress_reporter
from groundwork.resources._base import AsyncResource, SyncResource
from groundwork.types import File, UploadItem, UploadResult

if TYPE_CHECKING:
    from groundwork.streaming import StreamingDataset

UploadInput = str | Path | tuple[str, bytes]
TEXTS_PER_REQUEST = 1000
_Part = tuple[str, tuple[str, bytes, str]]


def _part(item: UploadInput) -> _Part:
    if isinstance(item, tuple):
        name, data = item
    else:
        path = Path(item)
        name, data = path.name, path.read_bytes()
    mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if name.endswith(".jsonl"):
        mime = "application/jsonl"
    return ("files", (name, data, mime))


def _form(dataset_id: int | None, metadata: dict[str, Any] | None, text_field: str) -> dict[str, str]:
    import json

    form = {"text_field": text_field}
    if dataset_id is not None:
        form["dataset_id"] = str(dataset_id)
    if metadata:
        form["metadata"] = json.dumps(metadata)
    return form


def _batches(items: Sequence[UploadInput], size: int) -> builtins.list[Sequence[UploadInput]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def _list_params(kind: str | None, dataset_id: int | None, name: str | None, query: str | None,
                 limit: int) -> dict[str, Any]:
    return {"kind": kind, "dataset_id": dataset_id, "name": name, "q": query, "limit": limit}


class Files(SyncResource):
    """``project.files``; ``project.files(query="labels.car > 3")`` is a streaming dataset of that slice."""

    def __call__(self, query: str = "", **options: Any) -> StreamingDataset:
        """A streaming dataset of the files matching ``query`` (resolved once into a snapshot)."""
        from groundwork.streaming import StreamingDataset

        return StreamingDataset.create(self._client, self._project, query=query, **options)

    def list(self, *, kind: str | None = None, dataset_id: int | None = None, name: str | None = None,
             query: str | None = None, limit: int = 500) -> SyncPage[File]:
        """Files the caller may see, filtered (``query``: the query language)."""
        return self._page("/files", File, **_list_params(kind, dataset_id, name, query, limit))

    def get(self, file_id: int) -> File:
        """One file."""
        return self._client.json("GET", self._path(f"/files/{file_id}"), File)

    def update(self, file_id: int, *, name: str | None = None, metadata: dict[str, Any] | None = None) -> File:
        """Rename a file or replace its metadata."""
        body = {k: v for k, v in (("name", name), ("metadata", metadata)) if v is not None}
        return self._client.json("PATCH", self._path(f"/files/{file_id}"), File, json=body)

    def delete(self, file_id: int) -> None:
        """Soft-delete a file."""
        self._client.request("DELETE", self._path(f"/files/{file_id}"))

    def content(self, file_id: int) -> bytes:
        """The file's bytes."""
        return self._client.request("GET", self._path(f"/files/{file_id}/content")).content

    def texts(self, file_ids: Sequence[int]) -> dict[int, str]:
        """The texts of many text files, 1,000 per request; images and files you cannot see are left out."""
        out: dict[int, str] = {}
        for start in range(0, len(file_ids), TEXTS_PER_REQUEST):
            body = {"file_ids": list(file_ids[start:start + TEXTS_PER_REQUEST])}
            found = self._client.json("POST", self._path("/files/texts"), dict[str, Any], json=body)
            out.update({int(item["file_id"]): str(item["text"]) for item in found["items"]})
        return out

    def upload(self, items: Iterable[UploadInput], *, dataset_id: int | None = None,
               metadata: dict[str, Any] | None = None, text_field: str = "text", batch_size: int = 64,
               concurrency: int = 4, progress: ProgressArg = False) -> builtins.list[UploadItem]:
        """Upload paths or ``(name, bytes)`` pairs in batches, ``concurrency`` requests at a time, in order.

        ``progress``: True for a bar on stderr, or a callback ``(done, total)`` counting files.
        """
        batches = _batches(list(items), batch_size)
        path, form = self._path("/files"), _form(dataset_id, metadata, text_field)
        total = sum(len(b) for b in batches)
        with progress_reporter(progress, "uploading", total) as advance:

            def send(batch: Sequence[UploadInput]) -> builtins.list[UploadItem]:
                result = self._client.json("POST", path, UploadResult, files=[_part(i) for i in batch], data=form)
                advance(len(batch))
                return result.items

            with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
                return [item for done in pool.map(send, batches) for item in done]

    def import_url(self, url: str, *, name: str | None = None, metadata: dict[str, Any] | None = None,
                   dataset_id: int | None = None) -> builtins.list[UploadItem]:
        """Import a file from an http(s) URL."""
        body = {"url": url, "name": name, "metadata": metadata or {}, "dataset_id": dataset_id}
        return self._client.json("POST", self._path("/files/import-url"), UploadResult,
                                 json={k: v for k, v in body.items() if v is not None}).items


class AsyncFiles(AsyncResource):
    """``project.files`` (async)."""

    async def list(self, *, kind: str | None = None, dataset_id: int | None = None, name: str | None = None,
                   query: str | None = None, limit: int = 500) -> AsyncPage[File]:
        """Files the caller may see, filtered."""
        return await self._page("/files", File, **_list_params(kind, dataset_id, name, query, limit))

    async def get(self, file_id: int) -> File:
        """One file."""
        return await self._client.json("GET", await self._path(f"/files/{file_id}"), File)

    async def content(self, file_id: int) -> bytes:
        """The file's bytes."""
        return (await self._client.request("GET", await self._path(f"/files/{file_id}/content"))).content

    async def texts(self, file_ids: Sequence[int]) -> dict[int, str]:
        """The texts of many text files, 1,000 per request; images and files you cannot see are left out."""
        out: dict[int, str] = {}
        for start in range(0, len(file_ids), TEXTS_PER_REQUEST):
            body = {"file_ids": list(file_ids[start:start + TEXTS_PER_REQUEST])}
            found = await self._client.json("POST", await self._path("/files/texts"), dict[str, Any], json=body)
            out.update({int(item["file_id"]): str(item["text"]) for item in found["items"]})
        return out

    async def upload(self, items: Iterable[UploadInput], *, dataset_id: int | None = None,
                     metadata: dict[str, Any] | None = None, text_field: str = "text", batch_size: int = 64,
                     concurrency: int = 4, progress: ProgressArg = False) -> builtins.list[UploadItem]:
        """Upload in batches, ``concurrency`` requests at a time; results in input order."""
        batches = _batches(list(items), batch_size)
        path, form = await self._path("/files"), _form(dataset_id, metadata, text_field)
        gate = asyncio.Semaphore(max(1, concurrency))
        with progress_reporter(progress, "uploading", sum(len(b) for b in batches)) as advance:

            async def send(batch: Sequence[UploadInput]) -> builtins.list[UploadItem]:
                async with gate:
                    result = await self._client.json("POST", path, UploadResult, files=[_part(i) for i in batch],
                                                     data=form)
                advance(len(batch))
                return result.items

            done = await asyncio.gather(*(send(b) for b in batches))
        return [item for items_ in done for item in items_]
