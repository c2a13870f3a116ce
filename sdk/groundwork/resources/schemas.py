"""Label schemas: labels and attribute groups, written as one document."""

from __future__ import annotations

from typing import Any

from groundwork._pages import AsyncPage, SyncPage
from groundwork.resources._base import AsyncResource, SyncResource
from groundwork.types import LabelSchema

Docs = list[dict[str, Any]]  # labels or attributes, as the schema document has them


def _doc(name: str, labels: Docs, attributes: Docs | None,
         description: str) -> dict[str, Any]:
    return {"name": name, "description": description, "labels": labels, "attributes": attributes or []}


class Schemas(SyncResource):
    """``project.schemas``."""

    def list(self) -> SyncPage[LabelSchema]:
        """The project's label schemas."""
        return self._page("/schemas", LabelSchema, limit=100)

    def get(self, schema_id: int) -> LabelSchema:
        """One schema."""
        return self._client.json("GET", self._path(f"/schemas/{schema_id}"), LabelSchema)

    def create(self, name: str, labels: Docs, attributes: Docs | None = None,
               *, description: str = "") -> LabelSchema:
        """A schema; labels like ``{"name": "car", "color": "#ff0000", "annotation_types": ["box"]}``."""
        return self._client.json("POST", self._path("/schemas"), LabelSchema,
                                 json=_doc(name, labels, attributes, description))

    def update(self, schema_id: int, revision: int, name: str, labels: Docs,
               attributes: Docs | None = None, *, description: str = "") -> LabelSchema:
        """Replace the schema document (``revision``: the one edited; stale → ConflictError)."""
        body = {**_doc(name, labels, attributes, description), "revision": revision}
        return self._client.json("PUT", self._path(f"/schemas/{schema_id}"), LabelSchema,
                                 json=body)

    def delete(self, schema_id: int) -> None:
        """Delete an unused schema."""
        self._client.request("DELETE", self._path(f"/schemas/{schema_id}"))


class AsyncSchemas(AsyncResource):
    """``project.schemas`` (async)."""

    async def list(self) -> AsyncPage[LabelSchema]:
        """The project's label schemas."""
        return await self._page("/schemas", LabelSchema, limit=100)

    async def get(self, schema_id: int) -> LabelSchema:
        """One schema."""
        return await self._client.json("GET", await self._path(f"/schemas/{schema_id}"),
                                       LabelSchema)

    async def create(self, name: str, labels: Docs,
                     attributes: Docs | None = None, *, description: str = "") -> LabelSchema:
        """A schema."""
        return await self._client.json("POST", await self._path("/schemas"),
                                       LabelSchema, json=_doc(name, labels, attributes, description))
