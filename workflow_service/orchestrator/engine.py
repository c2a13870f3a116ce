"""The orchestrator's logic: events in, runs created, plans walked, steps dispatched, state reported.

Single-threaded by contract (the process holds one lock around every call). Inputs are gathered by
``on_event`` / ``on_results``; ``flush`` then does the I/O of a whole round at once: one call creates
the runs, one reports every transition, then the due micro-batches go to the executors. Messages are
acknowledged only after ``flush`` returns, so a crash loses nothing: the events come again (run
creation is idempotent) and ``recover`` rebuilds the runs in progress from the backend.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from groundwork import NotFoundError
from groundwork.events import EventMessage
from groundwork.workflows import Catalogue
from groundwork.workflows.spec import Wait

from workflow_service.backend_api import BackendAPI
from workflow_service.blocks.base import file_ids_of
from workflow_service.messages import StepBatch, StepItem, StepResult
from workflow_service.orchestrator.batcher import Batcher
from workflow_service.orchestrator.state import TERMINAL, RunState, Updates
from workflow_service.orchestrator.triggers import ActiveWorkflow, compile_workflows
from workflow_service.orchestrator.waits import Aggregates, Fired, TaskWaits, task_ids_of
from workflow_service.plan import Node, Plan, compile_plan
from workflow_service.values import arguments, condition_holds

log = logging.getLogger(__name__)
ORCHESTRATOR_BLOCKS = {"wait_for"}
REFRESH_ON = {"workflow.created", "workflow.updated", "workflow.deleted"}


@dataclass
class _Start:
    workflow: ActiveWorkflow
    item: dict[str, Any]


class Engine:
    """Holds the runs in progress and decides what happens next."""

    def __init__(self, api: BackendAPI, catalogue: Catalogue, dispatch: Callable[[StepBatch], None]) -> None:
        self.api, self.catalogue, self.dispatch = api, catalogue, dispatch
        self.workflows: dict[int, ActiveWorkflow] = {}
        self.plans: dict[int, Plan] = {}
        self.runs: dict[int, RunState] = {}
        self.batcher = Batcher()
        self.waits = TaskWaits()
        self.aggregates = Aggregates()
        self.updates = Updates()
        self.stale = True
        self._starts: list[_Start] = []
        self._load: set[int] = set()  # runs to (re)load from the backend
        self._touched: set[int] = set()  # runs to walk in this round

    # -- inputs ---------------------------------------------------------------------------------------
    def on_event(self, event: EventMessage) -> None:
        """A domain event: refresh definitions, start runs, complete task waits, cancel."""
        payload = event.payload
        if event.type in REFRESH_ON:
            self.stale = True
        elif event.type == "workflow.run.requested":
            self._load.add(int(payload["run_id"]))
        elif event.type == "workflow.run.cancelled":
            self.cancel(int(payload["run_id"]))
        if event.type.startswith("task.") and "task_id" in payload:
            for run_id, key in self.waits.task_changed(int(payload["task_id"]), str(payload.get("status"))):
                self._complete_wait(run_id, key)
        if self.stale:
            self.refresh()
        for wf in self.workflows.values():
            for trigger in wf.event_triggers(event):
                item: dict[str, Any] = {"workflow_id": wf.workflow_id, "version_id": wf.version_id,
                                        "trigger_kind": "event", "trigger_key": f"event:{event.id}",
                                        "event_id": str(event.id), "input": event.model_dump(mode="json")}
                if trigger.filter:
                    item["filter"] = {"query": trigger.filter, "file_ids": _event_files(event)}
                self._starts.append(_Start(wf, item))
                break  # one run per (event, workflow version), however many of its triggers match

    def on_results(self, results: list[StepResult]) -> None:
        """Steps ended on an executor."""
        for r in results:
            run = self.runs.get(r.run_id)
            if run is None or r.status == "refetch":
                self._load.add(r.run_id)
                continue
            if run.finished:
                continue
            if r.status == "waiting":
                run.status[r.key] = "waiting"
                run.outputs[r.key] = r.output or {}
                if self.waits.add(r.run_id, r.key, r.tasks, r.done_statuses):
                    self._complete_wait(r.run_id, r.key)
            else:
                run.status[r.key] = r.status
                run.outputs[r.key] = r.output or {}
                if r.error:
                    run.errors[r.key] = r.error
            self._touched.add(r.run_id)

    def cancel(self, run_id: int) -> None:
        """Stop a run: forget its buffered steps, waits and aggregate entries (the backend marked it)."""
        run = self.runs.pop(run_id, None)
        if run is not None:
            run.finished = True
        self.batcher.drop_run(run_id)
        self.waits.drop_run(run_id)
        self.aggregates.drop_run(run_id)

    # -- the round ------------------------------------------------------------------------------------
    def flush(self) -> None:
        """Create runs, walk every touched run, report all transitions, send the due batches."""
        if self.stale:
            self.refresh()
        self._create_runs()
        for run_id in sorted(self._load):
            self._adopt(run_id)
            self._load.discard(run_id)
        for fired in self.aggregates.due():
            self._fire(fired)
        while self._touched:
            touched, self._touched = self._touched, set()
            for run_id in sorted(touched):
                run = self.runs.get(run_id)
                if run is not None and not run.finished:
                    self.advance(run)
        if self.updates.runs or self.updates.steps:
            self.api.report(runs=self.updates.runs, steps=self.updates.steps)
            self.updates.take()  # forgotten only once the backend has them
        for batch in self.batcher.ready():
            self.dispatch(batch)

    def refresh(self) -> None:
        """Reload the enabled workflows (after a workflow.* event, and at start)."""
        self.workflows = compile_workflows(self.api.active_workflows(), self.catalogue, self.workflows)
        for wf in self.workflows.values():
            self.plans[wf.version_id] = wf.plan
        self.stale = False

    def schedule_tick(self, now: datetime | None = None) -> None:
        """Start runs for cron triggers whose minute has come."""
        now = now or datetime.now(UTC)
        for wf in self.workflows.values():
            for slot in wf.due_schedules(now):
                self._starts.append(_Start(wf, {
                    "workflow_id": wf.workflow_id, "version_id": wf.version_id, "trigger_kind": "schedule",
                    "trigger_key": f"schedule:{slot:%Y-%m-%dT%H:%M}", "event_id": None,
                    "input": {"scheduled_for": slot.isoformat()}}))

    def recover(self) -> None:
        """Adopt every run the backend has as pending or running (after a start or restart)."""
        self.refresh()
        for row in self.api.active_runs():
            self._load.add(int(row["run_id"]))
        self.flush()

    # -- runs -----------------------------------------------------------------------------------------
    def _create_runs(self) -> None:
        if not self._starts:
            return
        starts = self._starts
        results = self.api.start_runs([s.item for s in starts])
        self._starts = []
        for start, result in zip(starts, results, strict=True):
            run_id = result.get("run_id")
            if run_id is None or result.get("status") in TERMINAL:
                continue
            if not result.get("created") or "filter" in start.item:
                self._load.add(int(run_id))  # a run we may not hold (a redelivered event), or a filtered input
                continue
            wf = start.workflow
            self.runs[run_id] = RunState(run_id, wf.project_id, wf.workflow_id, wf.version_id, wf.plan,
                                         start.item["input"])
            self.updates.run(run_id, "running")
            self._touched.add(run_id)

    def _adopt(self, run_id: int) -> None:
        """Load a run from the backend (requested manually, redelivered, or found at recovery)."""
        if run_id in self.runs and not self.runs[run_id].finished:
            self._touched.add(run_id)
            return
        try:
            data = self.api.get_run(run_id)
        except NotFoundError:  # deleted with its workflow: nothing to do (and nothing to block the round on)
            log.info("run %s is gone; forgetting it", run_id)
            return
        if data["status"] in TERMINAL:
            return
        plan = self.plans.get(data["version_id"])
        if plan is None:
            plan = self.plans[data["version_id"]] = compile_plan(data["definition"], self.catalogue)
        run = RunState(run_id, data["project_id"], data["workflow_id"], data["version_id"], plan,
                       data.get("input") or {})
        for step in data.get("steps", []):
            key, status = step["key"], step["status"]
            if key not in plan.nodes:
                continue
            run.status[key] = status
            output = step.get("output") or {}
            run.outputs[key] = output.get("ports", {})
            if step.get("error"):
                run.errors[key] = step["error"]
            if status == "queued":  # it may never have reached a queue before a crash: send it again
                del run.status[key]
            elif status == "waiting":
                self._rewait(run, key, output)
        self.runs[run_id] = run
        if data["status"] == "pending":
            self.updates.run(run_id, "running")
        self._touched.add(run_id)

    def _rewait(self, run: RunState, key: str, output: dict[str, Any]) -> None:
        node = run.plan.nodes[key]
        wait = node.wait or (_wait_config(node) if node.block in ORCHESTRATOR_BLOCKS else None)
        if wait is not None and not wait.all_tasks:
            fired = self.aggregates.add(run.workflow_id, key, wait, run.run_id, output.get("pending"),
                                        _weight(output.get("pending")))
            if fired is not None:
                self._fire(fired)
            return
        tasks = output.get("tasks") or task_ids_of(output.get("ports", {}))
        for t in tasks:
            task = self.api.request("GET", f"/projects/{run.project_id}/tasks/{t}")
            self.waits.known[int(t)] = task["status"]
        done = output.get("done_statuses") or ["approved", "skipped", "changes_requested", "submitted", "in_review"]
        if self.waits.add(run.run_id, key, tasks, done):
            self._complete_wait(run.run_id, key)

    def advance(self, run: RunState) -> None:
        """Evaluate every node whose inputs are ready; finish the run when every node is."""
        nodes = run.plan.nodes
        failed = [k for k, s in run.status.items() if s == "failed"]
        if failed:
            self._finish(run, "failed", f"step {failed[0]!r} failed: {run.errors.get(failed[0], '')}"[:4000])
            return
        for key in run.plan.order:
            if key in run.status:
                continue
            node = nodes[key]
            states = [run.status.get(d) for d in node.deps]
            if any(s not in TERMINAL for s in states):
                continue
            if any(s in ("skipped", "cancelled") for s in states):
                self.updates.step(run, key, "skipped", summary="an input was skipped")
                continue
            if node.when and not condition_holds(node.when, run.lookup):
                self.updates.step(run, key, "skipped", summary=f"condition is false: {node.when}")
                continue
            args = arguments(node, run.defaults, run.outputs, run.run_input)
            if node.block is None and node.wait is None:
                self._succeed(run, key, {"out": args[0] if args else None})
            elif node.wait is not None or node.block in ORCHESTRATOR_BLOCKS:
                self._hold(run, key, args[0] if args else None)
            else:
                self.updates.step(run, key, "queued")
                self.batcher.add(run.version_id, node, StepItem(
                    run_id=run.run_id, project_id=run.project_id, key=key, args=args, map=node.map,
                    run_input=run.run_input))
        if all(run.status.get(k) in TERMINAL for k in run.plan.order):
            self._finish(run, "succeeded", None)

    def _succeed(self, run: RunState, key: str, ports: dict[str, Any]) -> None:
        run.outputs[key] = ports
        items = sum(len(v) for v in ports.values() if isinstance(v, list))
        self.updates.step(run, key, "succeeded", output={"ports": ports}, items=items or None)

    def _hold(self, run: RunState, key: str, value: Any) -> None:
        """A value with ``wait`` (or a ``wait_for`` block): hold it until the wait is over."""
        node = run.plan.nodes[key]
        wait = node.wait or _wait_config(node)
        if wait.all_tasks:
            tasks = task_ids_of(value)
            unknown = [t for t in tasks if t not in self.waits.known]
            for t in unknown:
                self.waits.known[t] = self.api.request("GET", f"/projects/{run.project_id}/tasks/{t}")["status"]
            done = ["approved", "skipped", "changes_requested", "submitted", "in_review"]
            run.outputs[key] = {"out": value}
            if self.waits.add(run.run_id, key, tasks, done):
                self._succeed(run, key, {"out": value})
            else:
                self.updates.step(run, key, "waiting", output={"ports": {"out": value}, "tasks": tasks,
                                                               "done_statuses": done}, summary=f"{len(tasks)} task(s)")
            return
        self.updates.step(run, key, "waiting", output={"pending": value, "ports": {}}, summary="gathering inputs")
        fired = self.aggregates.add(run.workflow_id, key, wait, run.run_id, value, _weight(value))
        if fired is not None:
            self._fire(fired)

    def _fire(self, fired: Fired) -> None:
        winner = self.runs.get(fired.winner)
        if winner is not None and not winner.finished:
            self._succeed(winner, fired.key, {"out": fired.value})
            self._touched.add(winner.run_id)
        for run_id in fired.merged:
            run = self.runs.get(run_id)
            if run is not None and not run.finished:
                self.updates.step(run, fired.key, "skipped", summary=f"gathered into run {fired.winner}")
                self._touched.add(run_id)

    def _complete_wait(self, run_id: int, key: str) -> None:
        run = self.runs.get(run_id)
        if run is None or run.finished:
            return
        self._succeed(run, key, run.outputs.get(key, {}))
        self._touched.add(run_id)

    def _finish(self, run: RunState, status: str, error: str | None) -> None:
        run.finished = True
        self.updates.run(run.run_id, status, error=error, items=len(file_ids_of(run.run_input)) or None)
        self.runs.pop(run.run_id, None)
        self.waits.drop_run(run.run_id)


def _wait_config(node: Node) -> Wait:
    return Wait.model_validate(node.config)


def _weight(value: Any) -> int:
    """How many completed tasks an input stands for (an event about one task counts one)."""
    if isinstance(value, dict) and str(value.get("type", "")).startswith("task."):
        return 1
    return max(1, len(task_ids_of(value))) if isinstance(value, list) else 1


def _event_files(event: EventMessage) -> list[int]:
    payload = event.payload
    if isinstance(payload.get("file_ids"), list):
        return [int(i) for i in payload["file_ids"]]
    return [int(payload["file_id"])] if payload.get("file_id") is not None else []
