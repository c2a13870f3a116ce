"""``Client`` and ``AsyncClient``: the entry points (``GROUNDWORK_URL`` / ``GROUNDWORK_TOKEN`` by default)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from types import TracebackType
from typing import TYPE_CHECKING, Any

import httpx

from groundwork._base_client import AsyncAPIClient, Connection, SyncAPIClient
from groundwork.resources._base import ProjectRef
from groundwork.resources.annotations import Annotations, AsyncAnnotations
from groundwork.resources.datasets import AsyncDatasets, AsyncSnapshots, Datasets, Snapshots
from groundwork.resources.exports import Exports
from groundwork.resources.files import AsyncFiles, Files
from groundwork.resources.projects import AsyncMembers, AsyncProjects, Members, Projects
from groundwork.resources.schemas import AsyncSchemas, Schemas
from groundwork.resources.tasks import AsyncTasks, Tasks
from groundwork.resources.workflows import AsyncWorkflows, Workflows
from groundwork.types import Project

if TYPE_CHECKING:
    from groundwork.streaming import StreamingDataset


class ProjectHandle:
    """One project and everything in it: ``client.project("demo")`` (id, slug or name)."""

    def __init__(self, client: SyncAPIClient, ref: int | str) -> None:
        self._client = client
        self._ref = ProjectRef(client, ref)
        self.members = Members(client, self._ref)
        self.schemas = Schemas(client, self._ref)
        self.files = Files(client, self._ref)
        self.annotations = Annotations(client, self._ref)
        self.tasks = Tasks(client, self._ref)
        self.datasets = Datasets(client, self._ref)
        self.snapshots = Snapshots(client, self._ref)
        self.workflows = Workflows(client, self._ref)
        self.exports = Exports(client, self._ref)

    @property
    def id(self) -> int:
        """The project's id (a slug or name is looked up once)."""
        return self._ref.resolve()

    def get(self) -> Project:
        """The project itself."""
        return self._client.json("GET", f"/projects/{self.id}", Project)

    def dataset(self, name: str | int, *, query: str = "", **options: Any) -> StreamingDataset:
        """A streaming dataset of a dataset (name or id), optionally narrowed by ``query``."""
        from groundwork.streaming import StreamingDataset

        return StreamingDataset.create(self._client, self._ref, dataset=name, query=query, **options)

    def snapshot(self, snapshot_id: int, **options: Any) -> StreamingDataset:
        """A streaming dataset over an existing snapshot (reproduces an earlier run exactly)."""
        from groundwork.streaming import StreamingDataset

        return StreamingDataset.open(self._client, self._ref, snapshot_id, **options)


class Client:
    """The synchronous client. ``Client(url, token)``; both default to the environment."""

    def __init__(self, url: str | None = None, token: str | None = None, *, timeout: float = 60.0,
                 max_retries: int = 3, http_client: httpx.Client | None = None) -> None:
        self._conn = Connection.resolve(url, token, timeout=timeout, max_retries=max_retries)
        self._api = SyncAPIClient(self._conn, http_client)
        self.projects = Projects(self._api)

    @property
    def base_url(self) -> str:
        """The API root, e.g. ``http://127.0.0.1:8000/api/v1``."""
        return self._conn.base_url

    def project(self, ref: int | str) -> ProjectHandle:
        """A project by id, slug or name."""
        return ProjectHandle(self._api, ref)

    def me(self) -> dict[str, Any]:
        """Who the token belongs to."""
        return self._api.json("GET", "/auth/me", dict[str, Any])

    def request(self, method: str, path: str, *, params: Mapping[str, Any] | None = None, json: Any = None,
                files: Any = None, data: Any = None, timeout: float | None = None,
                idempotent: bool | None = None) -> Any:
        """Call any endpoint (a path under ``/api/v1``) with the client's auth and retries; the decoded JSON.

        For endpoints without a resource object. ``idempotent=True`` allows retrying a POST whose repetition
        is harmless (the server deduplicates it).
        """
        response = self._api.request(method, path, params=params, json=json, files=files, data=data,
                                     timeout=timeout, idempotent=idempotent)
        return response.json() if response.content else None

    def close(self) -> None:
        """Close the connection pool."""
        self._api.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


class AsyncProjectHandle:
    """One project (async): ``client.project("demo")``."""

    def __init__(self, client: AsyncAPIClient, ref: int | str) -> None:
        self._client = client
        self._ref = ProjectRef(client, ref)

    async def id(self) -> int:
        """The project's id."""
        return await self._ref.aresolve()

    @cached_property
    def members(self) -> AsyncMembers:
        """Members and roles."""
        return AsyncMembers(self._client, self._ref)

    @cached_property
    def schemas(self) -> AsyncSchemas:
        """Label schemas."""
        return AsyncSchemas(self._client, self._ref)

    @cached_property
    def files(self) -> AsyncFiles:
        """Files."""
        return AsyncFiles(self._client, self._ref)

    @cached_property
    def annotations(self) -> AsyncAnnotations:
        """Annotations."""
        return AsyncAnnotations(self._client, self._ref)

    @cached_property
    def tasks(self) -> AsyncTasks:
        """Tasks."""
        return AsyncTasks(self._client, self._ref)

    @cached_property
    def datasets(self) -> AsyncDatasets:
        """Datasets."""
        return AsyncDatasets(self._client, self._ref)

    @cached_property
    def snapshots(self) -> AsyncSnapshots:
        """Snapshots."""
        return AsyncSnapshots(self._client, self._ref)

    @cached_property
    def workflows(self) -> AsyncWorkflows:
        """Workflows and their runs."""
        return AsyncWorkflows(self._client, self._ref)


class AsyncClient:
    """The asyncio client: ``async with AsyncClient(url, token) as client: ...``."""

    def __init__(self, url: str | None = None, token: str | None = None, *, timeout: float = 60.0,
                 max_retries: int = 3, http_client: httpx.AsyncClient | None = None) -> None:
        self._conn = Connection.resolve(url, token, timeout=timeout, max_retries=max_retries)
        self._api = AsyncAPIClient(self._conn, http_client)
        self.projects = AsyncProjects(self._api)

    def project(self, ref: int | str) -> AsyncProjectHandle:
        """A project by id, slug or name."""
        return AsyncProjectHandle(self._api, ref)

    async def close(self) -> None:
        """Close the connection pool."""
        await self._api.close()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.close()
