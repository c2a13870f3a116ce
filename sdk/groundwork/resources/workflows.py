"""Workflows: define (YAML/JSON), validate, version, trigger manual runs and follow them to the end."""

from __future__ import annotations

import asyncio
import builtins
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any, Literal

from groundwork._pages import AsyncPage, SyncPage
from groundwork.resources._base import AsyncResource, SyncResource
from groundwork.types import (
    Workflow,
    WorkflowDetail,
    WorkflowRun,
    WorkflowRunDetail,
    WorkflowStats,
    WorkflowValidation,
    WorkflowVersion,
)

Format = Literal["yaml", "json"] | None


def _changed(a: WorkflowRunDetail | None, b: WorkflowRunDetail) -> bool:
    if a is None:
        return True
    return (a.status, a.items, [(s.key, s.status, s.attempts) for s in a.steps]) != \
        (b.status, b.items, [(s.key, s.status, s.attempts) for s in b.steps])


class Workflows(SyncResource):
    """``project.workflows``."""

    def create(self, source: str, *, format: Format = None, enabled: bool = True) -> WorkflowDetail:
        """Define a workflow; invalid → UnprocessableEntityError whose ``body["errors"]`` has line/column."""
        return self._client.json("POST", self._path("/workflows"), WorkflowDetail,
                                 json={"source": source, "format": format, "enabled": enabled})

    def validate(self, source: str, *, format: Format = None) -> WorkflowValidation:
        """Check a definition without saving it."""
        return self._client.json("POST", self._path("/workflows/validate"), WorkflowValidation,
                                 json={"source": source, "format": format})

    def list(self) -> SyncPage[Workflow]:
        """The project's workflows, each with its last run."""
        return self._page("/workflows", Workflow, limit=200)

    def get(self, workflow_id: int) -> WorkflowDetail:
        """One workflow with its current source and definition."""
        return self._client.json("GET", self._path(f"/workflows/{workflow_id}"), WorkflowDetail)

    def update(self, workflow_id: int, source: str, *, format: Format = None) -> WorkflowDetail:
        """A new version (an identical source makes none)."""
        return self._client.json("PUT", self._path(f"/workflows/{workflow_id}"), WorkflowDetail,
                                 json={"source": source, "format": format})

    def set_enabled(self, workflow_id: int, enabled: bool) -> WorkflowDetail:
        """Enable or disable a workflow."""
        return self._client.json("PATCH", self._path(f"/workflows/{workflow_id}"), WorkflowDetail,
                                 json={"enabled": enabled})

    def delete(self, workflow_id: int) -> None:
        """Delete a workflow with its versions and runs."""
        self._client.request("DELETE", self._path(f"/workflows/{workflow_id}"))

    def versions(self, workflow_id: int) -> builtins.list[WorkflowVersion]:
        """Every version's number, format and time."""
        return self._client.json("GET", self._path(f"/workflows/{workflow_id}/versions"), list[WorkflowVersion])

    def version(self, workflow_id: int, number: int) -> WorkflowVersion:
        """One version with its source and definition."""
        return self._client.json("GET", self._path(f"/workflows/{workflow_id}/versions/{number}"), WorkflowVersion)

    def diff(self, workflow_id: int, from_version: int, to_version: int) -> str:
        """The unified diff between two versions' sources."""
        out = self._client.json("GET", self._path(f"/workflows/{workflow_id}/diff"), dict[str, Any],
                                params={"from": from_version, "to": to_version})
        return str(out["diff"])

    def trigger(self, workflow_id: int, input: dict[str, Any] | None = None, *,
                file_ids: builtins.list[int] | None = None) -> WorkflowRun:
        """Start a manual run (the workflow needs a ``manual`` trigger)."""
        return self._client.json("POST", self._path(f"/workflows/{workflow_id}/runs"), WorkflowRun,
                                 json={"input": input or {}, "file_ids": file_ids})

    def runs(self, workflow_id: int, *, status: str | None = None) -> SyncPage[WorkflowRun]:
        """A workflow's runs, newest first."""
        return self._page(f"/workflows/{workflow_id}/runs", WorkflowRun, status=status, limit=200)

    def run(self, run_id: int) -> WorkflowRunDetail:
        """A run with its steps and their log tails."""
        return self._client.json("GET", self._path(f"/workflow-runs/{run_id}"), WorkflowRunDetail)

    def cancel(self, run_id: int) -> WorkflowRunDetail:
        """Ask a run to stop."""
        return self._client.json("POST", self._path(f"/workflow-runs/{run_id}/cancel"), WorkflowRunDetail)

    def stats(self, workflow_id: int) -> WorkflowStats:
        """Success rate, durations, items and per-day counts."""
        return self._client.json("GET", self._path(f"/workflows/{workflow_id}/stats"), WorkflowStats)

    def follow(self, run_id: int, *, poll_s: float = 1.0, timeout_s: float | None = None
               ) -> Iterator[WorkflowRunDetail]:
        """Yield the run each time its status, items or steps change, until it finishes (TimeoutError after)."""
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        last: WorkflowRunDetail | None = None
        while True:
            current = self.run(run_id)
            if _changed(last, current):
                yield current
            if current.done:
                return
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"run {run_id} still {current.status} after {timeout_s} s")
            last = current
            time.sleep(poll_s)

    def wait(self, run_id: int, *, poll_s: float = 1.0, timeout_s: float | None = None) -> WorkflowRunDetail:
        """The run once it finished."""
        final: WorkflowRunDetail | None = None
        for final in self.follow(run_id, poll_s=poll_s, timeout_s=timeout_s):  # noqa: B007
            pass
        assert final is not None
        return final


class AsyncWorkflows(AsyncResource):
    """``project.workflows`` (async)."""

    async def create(self, source: str, *, format: Format = None, enabled: bool = True) -> WorkflowDetail:
        """Define a workflow."""
        return await self._client.json("POST", await self._path("/workflows"), WorkflowDetail,
                                       json={"source": source, "format": format, "enabled": enabled})

    async def list(self) -> AsyncPage[Workflow]:
        """The project's workflows."""
        return await self._page("/workflows", Workflow, limit=200)

    async def trigger(self, workflow_id: int, input: dict[str, Any] | None = None, *,
                      file_ids: builtins.list[int] | None = None) -> WorkflowRun:
        """Start a manual run."""
        return await self._client.json("POST", await self._path(f"/workflows/{workflow_id}/runs"), WorkflowRun,
                                       json={"input": input or {}, "file_ids": file_ids})

    async def run(self, run_id: int) -> WorkflowRunDetail:
        """A run with its steps."""
        return await self._client.json("GET", await self._path(f"/workflow-runs/{run_id}"), WorkflowRunDetail)

    async def follow(self, run_id: int, *, poll_s: float = 1.0) -> AsyncIterator[WorkflowRunDetail]:
        """Yield the run each time it changes, until it finishes."""
        last: WorkflowRunDetail | None = None
        while True:
            current = await self.run(run_id)
            if _changed(last, current):
                yield current
            if current.done:
                return
            last = current
            await asyncio.sleep(poll_s)
