"""Tasks: bulk creation, the annotator queue, actions (start, submit, approve, ...), progress."""

from __future__ import annotations

import builtins
from typing import Any, Literal

from groundwork._pages import AsyncPage, SyncPage
from groundwork.resources._base import AsyncResource, SyncResource
from groundwork.types import Task, TaskCreateResult, TaskProgress

Kind = Literal["annotate", "review"]


def _create_body(file_ids: builtins.list[int], schema_id: int, kind: Kind, assignee_id: int | None, priority: int,
                 external_key: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {"file_ids": file_ids, "schema_id": schema_id, "kind": kind, "priority": priority,
                            "assignee_id": assignee_id}
    if external_key is not None:
        body["external_key"] = external_key
    return body


class Tasks(SyncResource):
    """``project.tasks``."""

    def create(self, file_ids: builtins.list[int], schema_id: int, *, kind: Kind = "annotate",
               assignee_id: int | None = None, priority: int = 0, external_key: str | None = None
               ) -> TaskCreateResult:
        """One task per file (files with an open task of this kind and schema are skipped)."""
        return self._client.json("POST", self._path("/tasks"), TaskCreateResult,
                                 json=_create_body(file_ids, schema_id, kind, assignee_id, priority, external_key))

    def list(self, *, status: builtins.list[str] | None = None, kind: Kind | None = None,
             assignee_id: str | int | None = None,
             file_id: int | None = None, schema_id: int | None = None) -> SyncPage[Task]:
        """Tasks, filtered (``assignee_id``: an id, ``"me"`` or ``"none"``)."""
        return self._page("/tasks", Task, status=status, kind=kind, assignee_id=assignee_id, file_id=file_id,
                          schema_id=schema_id, limit=500)

    def get(self, task_id: int) -> Task:
        """One task, with the actions the caller may take now."""
        return self._client.json("GET", self._path(f"/tasks/{task_id}"), Task)

    def act(self, task_id: int, action: str, version: int, *, comment: str | None = None,
            assignee_id: int | None = None) -> Task:
        """Start, submit, approve, request_changes, ... (stale ``version`` → ConflictError)."""
        body = {"action": action, "version": version, "comment": comment, "assignee_id": assignee_id}
        return self._client.json("POST", self._path(f"/tasks/{task_id}/actions"), Task,
                                 json={k: v for k, v in body.items() if v is not None})

    def next(self, *, kind: Kind | None = None, schema_id: int | None = None) -> Task | None:
        """The caller's next task (None when the queue is empty)."""
        body = {k: v for k, v in (("kind", kind), ("schema_id", schema_id)) if v is not None}
        response = self._client.request("POST", self._path("/tasks/next"), json=body)
        return None if response.status_code == 204 else Task.model_validate_json(response.content)

    def progress(self) -> TaskProgress:
        """Counts by status, kind, schema and assignee."""
        return self._client.json("GET", self._path("/tasks/progress"), TaskProgress)


class AsyncTasks(AsyncResource):
    """``project.tasks`` (async)."""

    async def create(self, file_ids: builtins.list[int], schema_id: int, *, kind: Kind = "annotate",
                     assignee_id: int | None = None, priority: int = 0, external_key: str | None = None
                     ) -> TaskCreateResult:
        """One task per file."""
        return await self._client.json("POST", await self._path("/tasks"), TaskCreateResult,
                                       json=_create_body(file_ids, schema_id, kind, assignee_id, priority,
                                                         external_key))

    async def list(self, *, status: builtins.list[str] | None = None, kind: Kind | None = None) -> AsyncPage[Task]:
        """Tasks, filtered."""
        return await self._page("/tasks", Task, status=status, kind=kind, limit=500)

    async def act(self, task_id: int, action: str, version: int, *, comment: str | None = None) -> Task:
        """Act on a task."""
        body = {"action": action, "version": version, "comment": comment}
        return await self._client.json("POST", await self._path(f"/tasks/{task_id}/actions"), Task,
                                       json={k: v for k, v in body.items() if v is not None})
