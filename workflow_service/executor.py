"""The executor: the Celery task that runs one micro-batch of a block and reports how each step ended.

For every step it reports ``running`` (the backend counts the attempt), runs the block, reports the
outcome and tells the orchestrator. A step that was already finished (a redelivery after a crash) is
not run again; one whose attempts are used up (its worker died each time) fails without running.
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from celery import Celery

from workflow_service.backend_api import BackendAPI, is_unavailable
from workflow_service.blocks.base import Item, Outputs, StepContext, Waiting
from workflow_service.blocks.registry import Registry, load_registry
from workflow_service.celery_app import TASK_NAME, physical_queue
from workflow_service.control import publish_results
from workflow_service.messages import StepBatch, StepItem, StepResult
from workflow_service.settings import WorkerSettings

log = logging.getLogger(__name__)
TERMINAL = {"succeeded", "failed", "skipped", "cancelled"}
MAX_OUTPUT_BYTES = 256 * 1024


@dataclass
class Outcome:
    """What became of one step in this attempt."""

    item: StepItem
    status: str  # succeeded | failed | waiting | retry | refetch | cancelled
    ports: dict[str, Any] | None = None
    tasks: list[int] | None = None
    done_statuses: tuple[str, ...] = ()
    error: str | None = None
    log: str = ""
    attempt: int = 0


def _ports(result: Any, default_port: str) -> tuple[dict[str, Any], Waiting | None]:
    if isinstance(result, Waiting):
        return dict(result.output.ports), result
    if isinstance(result, Outputs):
        return dict(result.ports), None
    return {default_port: result}, None


def _merge_mapped(parts: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """``map`` results: per port, the elements' values (lists are concatenated, e.g. file ids)."""
    merged: dict[str, Any] = {}
    for port in dict.fromkeys(p for part in parts for p in part):
        values = [part.get(port) for part in parts]
        lists = [v for v in values if isinstance(v, list)]
        merged[port] = [x for sub in lists for x in sub] if len(lists) == len(values) else values
    return merged


def backoff(attempt: int) -> float:
    """Seconds before retrying a failed step (exponential, full jitter, capped at 5 minutes)."""
    return random.uniform(0.5, min(300.0, 2.0 ** attempt))


class Executor:
    """Runs batches in one worker process (one backend client and one block registry per process)."""

    def __init__(self, api: BackendAPI, registry: Registry, publish: Callable[[list[StepResult]], None],
                 resend: Callable[[StepBatch, float], None]) -> None:
        self.api, self.registry, self.publish, self.resend = api, registry, publish, resend

    def execute(self, batch: StepBatch) -> list[Outcome]:
        """Run the batch; report every outcome to the backend and the orchestrator."""
        started = self.api.report(
            runs=[{"run_id": i.run_id} for i in batch.items],
            steps=[{"run_id": i.run_id, "key": i.key, "instance": batch.instance, "block": batch.block,
                    "queue": batch.queue, "status": "running"} for i in batch.items])
        cancelled = {r["run_id"] for r in started["runs"] if r.get("cancel_requested")}
        outcomes: list[Outcome] = []
        live: list[tuple[StepItem, int]] = []
        for item, step in zip(batch.items, started["steps"], strict=True):
            if step["status"] in TERMINAL or step["status"] == "waiting":
                outcomes.append(Outcome(item, "refetch"))
            elif item.run_id in cancelled:
                outcomes.append(Outcome(item, "cancelled", error="the run was cancelled"))
            elif step["attempts"] > batch.retries + 1:
                outcomes.append(Outcome(item, "failed", error=f"gave up after {step['attempts'] - 1} attempts: "
                                                              "the worker stopped while running this step"))
            else:
                live.append((item, int(step["attempts"])))
        if live:
            outcomes += self._run(batch, live)
        self._report(batch, outcomes)
        return outcomes

    def _run(self, batch: StepBatch, live: list[tuple[StepItem, int]]) -> list[Outcome]:
        try:
            cls = self.registry.get(batch.block)
            block = cls(cls.Config.model_validate(batch.config))
        except Exception as exc:  # not installed here, or the config no longer fits the block
            return [Outcome(item, "failed", error=f"{type(exc).__name__}: {exc}") for item, _ in live]
        default_port = cls.outputs[0].name if cls.outputs else "out"
        items: list[Item] = []
        spans: list[tuple[int, int]] = []  # each step's slice of ``items`` (map expands a step into many)
        contexts = []
        for item, attempt in live:
            ctx = StepContext(self.api, item.project_id, item.run_id, item.key, attempt, item.run_input)
            contexts.append(ctx)
            elements = [[e] for e in (item.args[0] or [])] if item.map else [item.args]
            spans.append((len(items), len(items) + len(elements)))
            items += [Item(ctx, list(args)) for args in elements]
        try:
            results = block.run_batch(items)
        except Exception as exc:  # the block failed as a whole: every step of the batch shares the failure
            results = [exc] * len(items)
        outcomes = []
        for (item, attempt), (lo, hi), ctx in zip(live, spans, contexts, strict=True):
            outcomes.append(self._outcome(batch, item, attempt, results[lo:hi], default_port, ctx))
        return outcomes

    def _outcome(self, batch: StepBatch, item: StepItem, attempt: int, results: list[Any], default_port: str,
                 ctx: StepContext) -> Outcome:
        logs = ctx.unsent_log()  # lines sent as progress while the block ran are in the step's log already
        error = next((r for r in results if isinstance(r, BaseException)), None)
        if error is not None:
            message = f"{type(error).__name__}: {error}"[:4000]
            status = "retry" if attempt <= batch.retries else "failed"
            return Outcome(item, status, error=message, log=f"{logs}\nattempt {attempt}: {message}".strip(),
                           attempt=attempt)
        converted = [_ports(r, default_port) for r in results]
        ports = _merge_mapped([c[0] for c in converted]) if item.map else converted[0][0]
        waits = [w for _, w in converted if w is not None]
        try:
            size = len(json.dumps(ports, default=str))
        except (TypeError, ValueError) as exc:
            return Outcome(item, "failed", error=f"the block's output is not JSON: {exc}", log=logs)
        if size > MAX_OUTPUT_BYTES:
            return Outcome(item, "failed", error=f"the block's output is {size} bytes (at most {MAX_OUTPUT_BYTES}): "
                                                 "pass ids, not data", log=logs)
        if waits:
            tasks = [t for w in waits for t in w.tasks]
            return Outcome(item, "waiting", ports=ports, tasks=tasks, done_statuses=waits[0].done_statuses, log=logs)
        return Outcome(item, "succeeded", ports=ports, log=logs)

    def _report(self, batch: StepBatch, outcomes: list[Outcome]) -> None:
        steps = []
        for o in outcomes:
            if o.status == "refetch":
                continue
            status = "queued" if o.status == "retry" else o.status
            step: dict[str, Any] = {"run_id": o.item.run_id, "key": o.item.key, "status": status}
            if o.error:
                step["error"] = o.error
            if o.log:
                step["log"] = o.log
            if o.ports is not None:
                step["output"] = {"ports": o.ports, "tasks": o.tasks or [], "done_statuses": list(o.done_statuses)}
                step["summary"] = _summary(o.ports)
            steps.append(step)
        self.api.report(steps=steps)
        retry = [o for o in outcomes if o.status == "retry"]
        if retry:
            delay = backoff(max(o.attempt for o in retry))
            self.resend(batch.model_copy(update={"items": [o.item for o in retry]}), delay)
        finished = [StepResult(run_id=o.item.run_id, key=o.item.key, status=o.status,
                               output=o.ports, tasks=o.tasks or [], done_statuses=list(o.done_statuses),
                               error=o.error) for o in outcomes if o.status != "retry"]
        if finished:
            self.publish(finished)


def _summary(ports: dict[str, Any]) -> str:
    parts = []
    for name, value in ports.items():
        parts.append(f"{name}: {len(value)} item(s)" if isinstance(value, list) else f"{name}: {str(value)[:60]}")
    return "; ".join(parts)[:500]


_executor: Executor | None = None


def register_tasks(app: Celery, settings: WorkerSettings) -> None:
    """Register the block-running task on ``app`` (the executor is built lazily in each worker process)."""

    def get() -> Executor:
        global _executor
        if _executor is None:
            api = BackendAPI(settings.api_url, settings.service_token, timeout_s=settings.api_timeout_s)

            def resend(batch: StepBatch, delay: float) -> None:
                app.send_task(TASK_NAME, args=[batch.model_dump(mode="json")],
                              queue=physical_queue(settings, batch.queue), countdown=delay,
                              soft_time_limit=batch.timeout, time_limit=batch.timeout + 30)

            _executor = Executor(api, load_registry(), lambda results: publish_results(app, results), resend)
        return _executor

    @app.task(name=TASK_NAME, bind=True, max_retries=None)  # type: ignore[untyped-decorator]
    def run_block(task: Any, batch: dict[str, Any]) -> None:
        try:
            get().execute(StepBatch.model_validate(batch))
        except Exception as exc:
            if not is_unavailable(exc):
                raise
            # The backend is away (after the client's own retries): run the batch again later rather than
            # lose its outcome. Finished steps are not run twice (they answer ``refetch``).
            log.warning("backend unavailable (%s); the batch runs again later", exc)
            raise task.retry(exc=exc, countdown=min(300, 2 ** min(task.request.retries, 8))) from exc
