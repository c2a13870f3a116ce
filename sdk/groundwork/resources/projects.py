"""Projects and their members."""

from __future__ import annotations

from typing import Any

from groundwork._base_client import AsyncAPIClient, SyncAPIClient
from groundwork._pages import AsyncPage, SyncPage
from groundwork.resources._base import AsyncResource, SyncResource
from groundwork.types import Member, Project, Role


def _body(**fields: Any) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}


class Projects:
    """``client.projects``: every project the token may see."""

    def __init__(self, client: SyncAPIClient) -> None:
        self._client = client

    def list(self, *, limit: int = 100) -> SyncPage[Project]:
        """Projects the caller is a member of (all pages when iterated)."""
        return SyncPage(self._client, "/projects", Project, {"limit": limit})

    def create(self, name: str, *, slug: str | None = None, description: str = "") -> Project:
        """A new project; the caller becomes its admin."""
        body = _body(name=name, slug=slug, description=description)
        return self._client.json("POST", "/projects", Project, json=body)

    def get(self, project_id: int) -> Project:
        """One project."""
        return self._client.json("GET", f"/projects/{project_id}", Project)

    def update(self, project_id: int, *, name: str | None = None, description: str | None = None) -> Project:
        """Rename or describe a project."""
        body = _body(name=name, description=description)
        return self._client.json("PATCH", f"/projects/{project_id}", Project, json=body)

    def delete(self, project_id: int) -> None:
        """Delete a project and everything in it."""
        self._client.request("DELETE", f"/projects/{project_id}")


class AsyncProjects:
    """``client.projects`` of the async client."""

    def __init__(self, client: AsyncAPIClient) -> None:
        self._client = client

    async def list(self, *, limit: int = 100) -> AsyncPage[Project]:
        """Projects the caller is a member of (``async for`` walks all pages)."""
        return await AsyncPage.fetch(self._client, "/projects", Project, {"limit": limit})

    async def create(self, name: str, *, slug: str | None = None, description: str = "") -> Project:
        """A new project; the caller becomes its admin."""
        body = _body(name=name, slug=slug, description=description)
        return await self._client.json("POST", "/projects", Project, json=body)

    async def get(self, project_id: int) -> Project:
        """One project."""
        return await self._client.json("GET", f"/projects/{project_id}", Project)

    async def delete(self, project_id: int) -> None:
        """Delete a project and everything in it."""
        await self._client.request("DELETE", f"/projects/{project_id}")


class Members(SyncResource):
    """``project.members``."""

    def list(self) -> SyncPage[Member]:
        """Members with their roles."""
        return self._page("/members", Member, limit=200)

    def add(self, email: str, role: Role) -> Member:
        """Add an existing user by email."""
        return self._client.json("POST", self._path("/members"), Member,
                                 json={"email": email, "role": role})

    def update(self, member_id: int, role: Role) -> Member:
        """Change a member's role."""
        return self._client.json("PATCH", self._path(f"/members/{member_id}"), Member,
                                 json={"role": role})

    def remove(self, member_id: int) -> None:
        """Remove a member."""
        self._client.request("DELETE", self._path(f"/members/{member_id}"))


class AsyncMembers(AsyncResource):
    """``project.members`` (async)."""

    async def list(self) -> AsyncPage[Member]:
        """Members with their roles."""
        return await self._page("/members", Member, limit=200)

    async def add(self, email: str, role: Role) -> Member:
        """Add an existing user by email."""
        return await self._client.json("POST", await self._path("/members"), Member,
                                       json={"email": email, "role": role})
