"""What every resource holds: the HTTP client and, for project resources, the project it is about."""

from __future__ import annotations

import threading
from typing import Any, TypeVar

from groundwork._base_client import AsyncAPIClient, SyncAPIClient
from groundwork._pages import AsyncPage, SyncPage
from groundwork.types import APIModel, Project

M = TypeVar("M", bound=APIModel)


def _matches(project: Project, ref: str) -> bool:
    return ref in (project.slug, project.name)


class ProjectRef:
    """A project named by id, slug or name; a name is looked up once, on first use."""

    def __init__(self, client: SyncAPIClient | AsyncAPIClient, ref: int | str) -> None:
        self.client, self.ref = client, ref
        self._id: int | None = ref if isinstance(ref, int) else None
        self._lock = threading.Lock()

    def resolve(self) -> int:
        """The project id (sync clients)."""
        if self._id is None:
            assert isinstance(self.client, SyncAPIClient)
            with self._lock:
                if self._id is None:
                    for project in SyncPage(self.client, "/projects", Project, {"limit": 500}):
                        if _matches(project, str(self.ref)):
                            self._id = project.id
                            break
                    else:
                        raise LookupError(f"no project with slug or name {self.ref!r} visible to this token")
        return self._id

    async def aresolve(self) -> int:
        """The project id (async clients)."""
        if self._id is None:
            assert isinstance(self.client, AsyncAPIClient)
            async for project in await AsyncPage.fetch(self.client, "/projects", Project, {"limit": 500}):
                if _matches(project, str(self.ref)):
                    self._id = project.id
                    break
            else:
                raise LookupError(f"no project with slug or name {self.ref!r} visible to this token")
        return self._id


class SyncResource:
    """A group of endpoints of one project (sync)."""

    def __init__(self, client: SyncAPIClient, project: ProjectRef) -> None:
        self._client, self._project = client, project

    def _path(self, suffix: str = "") -> str:
        return f"/projects/{self._project.resolve()}{suffix}"

    def _page(self, suffix: str, model: type[M], **params: Any) -> SyncPage[M]:
        return SyncPage(self._client, self._path(suffix), model, params)


class AsyncResource:
    """A group of endpoints of one project (asyncio)."""

    def __init__(self, client: AsyncAPIClient, project: ProjectRef) -> None:
        self._client, self._project = client, project

    async def _path(self, suffix: str = "") -> str:
        return f"/projects/{await self._project.aresolve()}{suffix}"

    async def _page(self, suffix: str, model: type[M], **params: Any) -> AsyncPage[M]:
        return await AsyncPage.fetch(self._client, await self._path(suffix), model, params)
