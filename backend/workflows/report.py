"""The workflow service's batched state report: many run and step updates in one transaction.

On the hot path, so it is set-based: the referenced runs are read (and locked) in one SELECT, their
steps in a second (logs in a third, only when some item carries a log line), the items are applied
in memory in the order given, and then new steps, changed steps, changed runs and outbox events are
each written with one statement.

Rules: terminal statuses are final (a later report changes nothing and is answered with the current
state, so re-reports after a crash are harmless); a ``waiting`` step does not go back to pending,
queued or running; a step of a finished run cannot become active (such a report makes it
``cancelled``); ``running`` counts an attempt; timestamps are set on the way in. A report without a
status is a running step's progress: its log and summary only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from backend.core.types import utcnow
from backend.events.service import NewEvent, record_all
from backend.workflows import runs_repository as repo
from backend.workflows.models import RUN_TERMINAL, STEP_TERMINAL, RunStatus, StepStatus
from backend.workflows.run_schemas import (
    ReportBody,
    ReportResult,
    RunReport,
    RunReported,
    StepReport,
    StepReported,
)

LOG_LIMIT = 64 * 1024  # bytes of log kept per step (the tail)
STEP_EVENTS = {StepStatus.waiting: "workflow.step.waiting", StepStatus.succeeded: "workflow.step.succeeded",
               StepStatus.failed: "workflow.step.failed", StepStatus.skipped: "workflow.step.skipped"}
# A waiting step has run its block: a late or repeated report from before (a batch delivered again
# after a crash) must not start it over. It leaves waiting only for a terminal status.
_BEFORE_WAITING = frozenset({StepStatus.pending, StepStatus.queued, StepStatus.running})
RUN_COLUMNS = ("status", "started_at", "finished_at", "items", "error")
STEP_COLUMNS = ("instance", "block", "queue", "status", "attempts", "output", "summary", "error", "logs", "items",
                "queued_at", "started_at", "finished_at")


def tail(text: str, limit: int = LOG_LIMIT) -> str:
    """The last ``limit`` bytes of ``text`` (UTF-8), never splitting a character."""
    if limit <= 0:
        return ""
    data = text.encode()
    if len(data) <= limit:
        return text
    return data[-limit:].decode(errors="ignore")


@dataclass
class _Run:
    id: int
    project_id: int
    workflow_id: int
    version_id: int
    version: int
    status: RunStatus
    cancel_requested: bool
    started_at: datetime | None
    finished_at: datetime | None
    items: int
    error: str | None
    dirty: bool = False


@dataclass
class _Step:
    run_id: int
    key: str
    id: int | None = None  # None: new in this report
    instance: str | None = None
    block: str | None = None
    queue: str | None = None
    status: StepStatus = StepStatus.pending
    attempts: int = 0
    output: Any = None
    output_set: bool = False
    summary: str | None = None
    error: str | None = None
    logs: str | None = None  # None: not loaded (and not changed)
    items: int = 0
    created_at: datetime | None = None
    queued_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    dirty: bool = False


@dataclass
class _Batch:
    now: datetime
    actor_id: int
    runs: dict[int, _Run]
    steps: dict[tuple[int, str], _Step]
    # Outbox order: runs starting, then step events, then runs finishing (as they happened).
    started: list[NewEvent] = field(default_factory=list)
    events: list[NewEvent] = field(default_factory=list)
    finished: list[NewEvent] = field(default_factory=list)

    def run_event(self, run: _Run, type_: str) -> None:
        to = self.started if run.status is RunStatus.running else self.finished
        to.append(NewEvent(type_, run.project_id, self.actor_id, {
            "run_id": run.id, "workflow_id": run.workflow_id, "version_id": run.version_id, "version": run.version,
            "status": run.status.value, "items": run.items, "error": run.error}))

    def step_event(self, run: _Run, step: _Step, type_: str) -> None:
        # Never the output: it can be large, and consumers fetch the run when they need it.
        self.events.append(NewEvent(type_, run.project_id, self.actor_id, {
            "run_id": run.id, "workflow_id": run.workflow_id, "version": run.version, "key": step.key,
            "instance": step.instance, "block": step.block, "status": step.status.value,
            "attempts": step.attempts, "summary": step.summary, "error": step.error}))


def _load(session: Session, body: ReportBody, actor_id: int) -> _Batch:
    run_ids = {r.run_id for r in body.runs} | {s.run_id for s in body.steps}
    runs = {rid: _Run(id=r.id, project_id=r.project_id, workflow_id=r.workflow_id, version_id=r.version_id,
                      version=r.number, status=r.status, cancel_requested=r.cancel_requested,
                      started_at=r.started_at, finished_at=r.finished_at, items=r.items, error=r.error)
            for rid, r in repo.lock_run_states(session, run_ids).items()}
    step_run_ids = {s.run_id for s in body.steps if s.run_id in runs}
    steps = {k: _Step(run_id=r.run_id, key=r.key, id=r.id, instance=r.instance, block=r.block, queue=r.queue,
                      status=r.status, attempts=r.attempts, summary=r.summary, error=r.error, items=r.items,
                      queued_at=r.queued_at, started_at=r.started_at, finished_at=r.finished_at)
             for k, r in repo.step_states(session, step_run_ids).items()}
    by_id = {step.id: step for step in steps.values()}
    logged = {steps[(s.run_id, s.key)].id for s in body.steps if s.log and (s.run_id, s.key) in steps}
    for step_id, logs in repo.step_logs(session, {i for i in logged if i is not None}).items():
        by_id[step_id].logs = logs
    return _Batch(now=utcnow(), actor_id=actor_id, runs=runs, steps=steps)


def _apply_step(batch: _Batch, item: StepReport) -> StepReported:
    run = batch.runs.get(item.run_id)
    if run is None:  # deleted with its workflow: tell the service to stop
        return StepReported(run_id=item.run_id, key=item.key, status=None, attempts=0, created=False)
    key = (item.run_id, item.key)
    step = batch.steps.get(key)
    if item.status is None:
        return _progress(step, item)
    created = step is None
    if step is None:
        step = batch.steps[key] = _Step(run_id=item.run_id, key=item.key, created_at=batch.now, logs="", dirty=True)
    elif step.status in STEP_TERMINAL or (step.status is StepStatus.waiting and item.status in _BEFORE_WAITING):
        return StepReported(run_id=step.run_id, key=step.key, status=step.status, attempts=step.attempts,
                            created=False)
    target = item.status
    if run.status in RUN_TERMINAL and target not in STEP_TERMINAL:
        target = StepStatus.cancelled  # a finished run's steps cannot become active
    previous = step.status
    step.status, step.dirty = target, True
    for name in ("instance", "block", "queue", "summary", "error", "items"):
        value = getattr(item, name)
        if value is not None:
            setattr(step, name, value)
    if item.output is not None:
        step.output, step.output_set = item.output, True
    if item.log:
        step.logs = tail((step.logs or "") + item.log)
    now = batch.now
    if target is StepStatus.queued and (previous is not StepStatus.queued or step.queued_at is None):
        step.queued_at = now
    if target is StepStatus.running:
        step.attempts += 1
        step.started_at = step.started_at or now
        batch.step_event(run, step, "workflow.step.started")
    elif target in STEP_EVENTS and target is not previous:
        batch.step_event(run, step, STEP_EVENTS[target])
    if target in STEP_TERMINAL:
        step.finished_at = now
    return StepReported(run_id=step.run_id, key=step.key, status=step.status, attempts=step.attempts,
                        created=created)


def _progress(step: _Step | None, item: StepReport) -> StepReported:
    """A running block's progress: its log grows (and its summary changes) while it runs; nothing else."""
    if step is None:
        return StepReported(run_id=item.run_id, key=item.key, status=StepStatus.pending, attempts=0, created=False)
    if step.status is StepStatus.running:
        if item.log:
            step.logs, step.dirty = tail((step.logs or "") + item.log), True
        if item.summary is not None:
            step.summary, step.dirty = item.summary, True
    return StepReported(run_id=step.run_id, key=step.key, status=step.status, attempts=step.attempts, created=False)


def _apply_run(batch: _Batch, item: RunReport) -> RunReported:
    run = batch.runs.get(item.run_id)
    if run is None:
        return RunReported(run_id=item.run_id, status=None, cancel_requested=True)
    if run.status not in RUN_TERMINAL:
        if item.error is not None:
            run.error, run.dirty = item.error, True
        if item.items is not None:
            run.items, run.dirty = item.items, True
        if item.status is not None and item.status is not run.status:
            run.status, run.dirty = item.status, True
            if item.status is RunStatus.running:
                run.started_at = run.started_at or batch.now
                batch.run_event(run, "workflow.run.started")
            elif item.status in RUN_TERMINAL:
                run.finished_at = batch.now
                batch.run_event(run, f"workflow.run.{item.status.value}")
    return RunReported(run_id=run.id, status=run.status, cancel_requested=run.cancel_requested)


def _step_row(step: _Step) -> dict[str, Any]:
    row = {c: getattr(step, c) for c in STEP_COLUMNS}
    row["logs"] = step.logs or ""
    return row


def _write(session: Session, batch: _Batch) -> None:
    changed = [s for s in batch.steps.values() if s.dirty]
    new = [{**_step_row(s), "run_id": s.run_id, "key": s.key, "created_at": s.created_at}
           for s in changed if s.id is None]
    repo.insert_steps(session, new)
    old = [s for s in changed if s.id is not None]
    # Split by which columns change, so unchanged outputs and logs (the big ones) are not rewritten.
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for s in old:
        columns = tuple(c for c in STEP_COLUMNS if (c != "output" or s.output_set) and (c != "logs" or
                                                                                      s.logs is not None))
        groups.setdefault(columns, []).append({**_step_row(s), "id": s.id})
    for columns, rows in groups.items():
        repo.update_by_id(session, repo.STEPS, rows, columns)
    runs = [{"id": r.id, **{c: getattr(r, c) for c in RUN_COLUMNS}} for r in batch.runs.values() if r.dirty]
    repo.update_by_id(session, repo.RUNS, runs, RUN_COLUMNS)
    record_all(session, batch.started + batch.events + batch.finished)


def report(session: Session, body: ReportBody, actor_id: int) -> ReportResult:
    """Apply a batch of run and step reports (steps first, then runs, each in the order given)."""
    batch = _load(session, body, actor_id)
    steps = [_apply_step(batch, item) for item in body.steps]
    runs = [_apply_run(batch, item) for item in body.runs]
    _write(session, batch)
    return ReportResult(runs=runs, steps=steps)
