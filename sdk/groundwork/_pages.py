"""Cursor pages that iterate every item: ``for p in client.projects.list(): ...`` fetches pages as needed."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from groundwork._base_client import AsyncAPIClient, SyncAPIClient, adapter

T = TypeVar("T", bound=BaseModel)


class _RawPage(BaseModel):
    items: list[dict[str, Any]]
    next_cursor: str | None = None


class SyncPage(Generic[T]):
    """One page (``items``, ``next_cursor``); iterating it walks this page and every later one."""

    def __init__(self, client: SyncAPIClient, path: str, model: type[T], params: Mapping[str, Any]) -> None:
        self._client, self._path, self._model, self._params = client, path, model, dict(params)
        raw = client.json("GET", path, _RawPage, params=self._params)
        self.items: list[T] = [model.model_validate(i) for i in raw.items]
        self.next_cursor: str | None = raw.next_cursor

    def has_next_page(self) -> bool:
        """Whether another page follows."""
        return self.next_cursor is not None

    def next_page(self) -> SyncPage[T]:
        """The page after this one."""
        if self.next_cursor is None:
            raise StopIteration("no next page")
        return SyncPage(self._client, self._path, self._model, {**self._params, "cursor": self.next_cursor})

    def __iter__(self) -> Iterator[T]:
        page: SyncPage[T] | None = self
        while page is not None:
            yield from page.items
            page = page.next_page() if page.has_next_page() else None


class AsyncPage(Generic[T]):
    """The asyncio twin: ``page = await client.projects.list()``, then ``async for item in page``."""

    def __init__(self, client: AsyncAPIClient, path: str, model: type[T], params: Mapping[str, Any],
                 items: list[T], next_cursor: str | None) -> None:
        self._client, self._path, self._model, self._params = client, path, model, dict(params)
        self.items, self.next_cursor = items, next_cursor

    @classmethod
    async def fetch(cls, client: AsyncAPIClient, path: str, model: type[T], params: Mapping[str, Any]
                    ) -> AsyncPage[T]:
        """The first page."""
        raw = await client.json("GET", path, _RawPage, params=params)
        return cls(client, path, model, params, [model.model_validate(i) for i in raw.items], raw.next_cursor)

    def has_next_page(self) -> bool:
        """Whether another page follows."""
        return self.next_cursor is not None

    async def next_page(self) -> AsyncPage[T]:
        """The page after this one."""
        return await AsyncPage.fetch(self._client, self._path, self._model, {**self._params,
                                                                            "cursor": self.next_cursor})

    async def __aiter__(self) -> AsyncIterator[T]:
        page: AsyncPage[T] | None = self
        while page is not None:
            for item in page.items:
                yield item
            page = await page.next_page() if page.has_next_page() else None


__all__ = ["AsyncPage", "SyncPage", "adapter"]
