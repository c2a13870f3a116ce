"""Functions the resilience tests run through the ``python`` block (imported by the executor processes)."""

from __future__ import annotations

import time
from typing import Any

from workflow_service.blocks.base import StepContext, file_ids_of


def tasks_then_pause(value: Any, *, ctx: StepContext, pause_s: float = 120.0) -> list[int]:
    """Create an annotate task per file, then (on the first attempt only) hang so the test can kill the worker."""
    files = file_ids_of(value)
    schema = next(iter(ctx.api.paged(f"/projects/{ctx.project_id}/schemas")))
    result = ctx.api.request("POST", f"/projects/{ctx.project_id}/tasks",
                             json={"file_ids": files, "schema_id": schema["id"]})
    ctx.log(f"attempt {ctx.attempt}: {len(result['created'])} created, {len(result['skipped'])} already there")
    if ctx.attempt == 1:
        time.sleep(pause_s)
    return [t["id"] for t in result["created"]] + [s["existing_task_id"] for s in result["skipped"]]


def fail_on_poison(value: Any, *, ctx: StepContext) -> list[int]:
    """Raise for files whose name says poison; pass the others on."""
    files = file_ids_of(value)
    for file_id in files:
        name = ctx.api.request("GET", f"/projects/{ctx.project_id}/files/{file_id}")["name"]
        if "poison" in name:
            raise ValueError(f"cannot digest {name}")
    return files


def sleep_for(value: Any, *, seconds: float = 30.0) -> Any:
    """Take longer than the step's timeout."""
    time.sleep(seconds)
    return value
