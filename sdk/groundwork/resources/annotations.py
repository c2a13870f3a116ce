"""Annotations: create, change (with the version you edited), delete, history, diffs, bulk writes."""

from __future__ import annotations

import builtins
import uuid
from datetime import datetime
from typing import Any, Literal

from groundwork._pages import AsyncPage, SyncPage
from groundwork.resources._base import AsyncResource, SyncResource
from groundwork.types import Annotation, AnnotationDiff, AnnotationVersion, BulkResult


def annotation_body(type: str, *, label: str | None = None, label_id: int | None = None,
                    geometry: dict[str, Any] | None = None, schema_id: int | None = None,
                    attributes: dict[str, Any] | None = None, source: Literal["human", "model"] = "human",
                    model_name: str | None = None, model_version: str | None = None,
                    score: float | None = None, id: uuid.UUID | None = None) -> dict[str, Any]:
    """The JSON of one new annotation (also what ``bulk`` takes per file)."""
    body: dict[str, Any] = {"type": type, "label": label, "label_id": label_id, "geometry": geometry,
                            "schema_id": schema_id, "attributes": attributes, "source": source,
                            "model_name": model_name, "model_version": model_version, "score": score,
                            "id": str(id) if id else None}
    return {k: v for k, v in body.items() if v is not None}


def _as_of(value: datetime | None) -> str | None:
    if value is not None and value.tzinfo is None:
        raise ValueError("as_of needs a time zone (e.g. datetime.now(UTC))")
    return value.isoformat() if value else None


class Annotations(SyncResource):
    """``project.annotations``."""

    def list(self, file_id: int, *, schema_id: int | None = None) -> SyncPage[Annotation]:
        """A file's current annotations."""
        return self._page(f"/files/{file_id}/annotations", Annotation, schema_id=schema_id, limit=1000)

    def list_as_of(self, file_id: int, as_of: datetime, *, schema_id: int | None = None
                   ) -> SyncPage[AnnotationVersion]:
        """A file's annotations as they stood at ``as_of``."""
        return self._page(f"/files/{file_id}/annotations", AnnotationVersion, schema_id=schema_id,
                          as_of=_as_of(as_of), limit=1000)

    def create(self, file_id: int, type: str, **fields: Any) -> Annotation:
        """Add an annotation (``label=``, ``geometry=``, ``schema_id=``, ``attributes=``, ...)."""
        return self._client.json("POST", self._path(f"/files/{file_id}/annotations"), Annotation,
                                 json=annotation_body(type, **fields))

    def get(self, annotation_id: uuid.UUID | str) -> Annotation:
        """One annotation's current state."""
        return self._client.json("GET", self._path(f"/annotations/{annotation_id}"), Annotation)

    def update(self, annotation_id: uuid.UUID | str, version: int, **changes: Any) -> Annotation:
        """A new version (``label``, ``geometry``, ``attributes``, ``score``); stale ``version`` → ConflictError."""
        return self._client.json("PATCH", self._path(f"/annotations/{annotation_id}"), Annotation,
                                 json={"version": version, **changes})

    def delete(self, annotation_id: uuid.UUID | str, version: int) -> None:
        """Delete (a tombstone version; history is kept)."""
        self._client.request("DELETE", self._path(f"/annotations/{annotation_id}"), params={"version": version})

    def versions(self, annotation_id: uuid.UUID | str) -> SyncPage[AnnotationVersion]:
        """Every version of one annotation, oldest first."""
        return self._page(f"/annotations/{annotation_id}/versions", AnnotationVersion, limit=1000)

    def history(self, file_id: int) -> SyncPage[AnnotationVersion]:
        """Every version of every annotation on a file, oldest first."""
        return self._page(f"/files/{file_id}/history", AnnotationVersion, limit=1000)

    def diff(self, annotation_id: uuid.UUID | str, from_version: int, to_version: int) -> AnnotationDiff:
        """What changed between two versions."""
        return self._client.json("GET", self._path(f"/annotations/{annotation_id}/diff"), AnnotationDiff,
                                 params={"from": from_version, "to": to_version})

    def bulk(self, files: dict[int, builtins.list[dict[str, Any]]], *, schema_id: int | None = None,
             mode: Literal["append", "replace"] = "append",
             replace_scope: Literal["all", "source", "model"] = "model",
             schema_revision: int | None = None) -> BulkResult:
        """Write (or replace) many files' annotations in one request: ``{file_id: [annotation_body(...)]}``.

        ``schema_revision``: store nothing unless schema ``schema_id`` is still at that revision (else
        ``ConflictError`` with ``code == "stale_version"``), e.g. the revision the labels were chosen from.
        """
        body = {"schema_id": schema_id, "schema_revision": schema_revision, "mode": mode,
                "replace_scope": replace_scope,
                "files": [{"file_id": f, "annotations": a} for f, a in files.items()]}
        return self._client.json("POST", self._path("/annotations/bulk"), BulkResult,
                                 json={k: v for k, v in body.items() if v is not None})


class AsyncAnnotations(AsyncResource):
    """``project.annotations`` (async)."""

    async def list(self, file_id: int, *, schema_id: int | None = None) -> AsyncPage[Annotation]:
        """A file's current annotations."""
        return await self._page(f"/files/{file_id}/annotations", Annotation, schema_id=schema_id, limit=1000)

    async def create(self, file_id: int, type: str, **fields: Any) -> Annotation:
        """Add an annotation."""
        return await self._client.json("POST", await self._path(f"/files/{file_id}/annotations"), Annotation,
                                       json=annotation_body(type, **fields))

    async def update(self, annotation_id: uuid.UUID | str, version: int, **changes: Any) -> Annotation:
        """A new version; stale ``version`` → ConflictError."""
        return await self._client.json("PATCH", await self._path(f"/annotations/{annotation_id}"), Annotation,
                                       json={"version": version, **changes})

    async def delete(self, annotation_id: uuid.UUID | str, version: int) -> None:
        """Delete (a tombstone version)."""
        await self._client.request("DELETE", await self._path(f"/annotations/{annotation_id}"),
                                   params={"version": version})

    async def bulk(self, files: dict[int, builtins.list[dict[str, Any]]], *, schema_id: int | None = None,
                   mode: Literal["append", "replace"] = "append",
                   replace_scope: Literal["all", "source", "model"] = "model",
                   schema_revision: int | None = None) -> BulkResult:
        """Write many files' annotations in one request (as ``Annotations.bulk``)."""
        body = {"schema_id": schema_id, "schema_revision": schema_revision, "mode": mode,
                "replace_scope": replace_scope,
                "files": [{"file_id": f, "annotations": a} for f, a in files.items()]}
        return await self._client.json("POST", await self._path("/annotations/bulk"), BulkResult,
                                       json={k: v for k, v in body.items() if v is not None})
