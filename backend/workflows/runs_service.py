"""Workflow runs: lists, details with the step timeline, cancel, and the workflow service's batched creation."""

from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from backend.core.errors import FieldError, NotFound, ValidationFailed
from backend.core.pagination import Page, PageParams, make_page
from backend.core.types import utcnow
from backend.events.service import NewEvent, record, record_all
from backend.projects.deps import ProjectAccess
from backend.query.service import compile_query
from backend.workflows import runs_repository as repo
from backend.workflows.models import RUN_TERMINAL, RunStatus, StepStatus, WorkflowRun, WorkflowStep
from backend.workflows.report import LOG_LIMIT, tail
from backend.workflows.run_schemas import (
    ActiveRun,
    RunCreated,
    RunRequest,
    RunRequests,
    ServiceRun,
    ServiceStep,
    StepRead,
    WorkflowRunDetail,
    WorkflowRunRead,
)

log = logging.getLogger(__name__)


def parse_statuses(values: list[str] | None, field: str = "query.status") -> list[RunStatus]:
    """Run statuses from ``?status=a,b`` (repeatable); 422 naming an unknown one."""
    out: list[RunStatus] = []
    for part in (p.strip() for v in values or [] for p in v.split(",")):
        if not part:
            continue
        try:
            out.append(RunStatus(part))
        except ValueError:
            raise ValidationFailed(f"unknown run status {part!r} (one of: {', '.join(RunStatus)})",
                                   field=field) from None
    return out


def duration_s(started: datetime | None, finished: datetime | None) -> float | None:
    """Seconds from start to finish; None until both are known."""
    return (finished - started).total_seconds() if started is not None and finished is not None else None


def run_read(run: WorkflowRun, version: int) -> WorkflowRunRead:
    """The list form of a run."""
    return WorkflowRunRead(
        id=run.id, project_id=run.project_id, workflow_id=run.workflow_id, version_id=run.version_id,
        version=version, status=run.status, trigger_kind=run.trigger_kind, trigger_key=run.trigger_key,
        event_id=run.event_id, items=run.items, error=run.error, cancel_requested=run.cancel_requested,
        created_by_id=run.created_by_id, created_at=run.created_at, started_at=run.started_at,
        finished_at=run.finished_at, duration_s=duration_s(run.started_at, run.finished_at))


def _step_read(step: WorkflowStep, log_tail: int) -> StepRead:
    return StepRead(key=step.key, instance=step.instance, block=step.block, queue=step.queue, status=step.status,
                    attempts=step.attempts, summary=step.summary, error=step.error, output=step.output,
                    items=step.items, created_at=step.created_at, queued_at=step.queued_at,
                    started_at=step.started_at, finished_at=step.finished_at,
                    duration_s=duration_s(step.started_at, step.finished_at), logs=tail(step.logs or "", log_tail))


def list_runs(session: Session, workflow_id: int, statuses: Collection[RunStatus],
              page: PageParams) -> Page[WorkflowRunRead]:
    """A page of a workflow's runs, newest first."""
    if page.after is not None and not isinstance(page.after, int):
        raise ValidationFailed("malformed cursor", field="query.cursor")
    rows = repo.list_runs(session, workflow_id, statuses, page.after, page.limit + 1)
    return make_page(rows, page, lambda r: run_read(r[0], r[1]), lambda r: r[0].id)


def _run(session: Session, access: ProjectAccess, run_id: int, *, lock: bool = False) -> tuple[WorkflowRun, int]:
    found = repo.get_run(session, run_id, access.project.id, lock=lock)
    if found is None:
        raise NotFound("workflow run not found", field="path.run_id")
    return found


def run_detail(session: Session, access: ProjectAccess, run_id: int, log_tail: int = LOG_LIMIT) -> WorkflowRunDetail:
    """A run with its steps in the order they were created, each with the tail of its log."""
    run, version = _run(session, access, run_id)
    steps = [_step_read(s, log_tail) for s in repo.steps_of(session, run.id)]
    return WorkflowRunDetail(**run_read(run, version).model_dump(), input=run.input, steps=steps)


def cancel(session: Session, access: ProjectAccess, run_id: int) -> WorkflowRunRead:
    """Cancel a run that has not finished (and its open steps); a finished run is left as it is."""
    run, version = _run(session, access, run_id, lock=True)
    if run.status not in RUN_TERMINAL:
        now = utcnow()
        run.cancel_requested = True
        run.status = RunStatus.cancelled
        run.finished_at = now
        session.flush()
        repo.cancel_open_steps(session, run.id, {"status": StepStatus.cancelled, "finished_at": now})
        record(session, "workflow.run.cancelled", project_id=run.project_id, actor_id=access.user.id,
               payload={"run_id": run.id, "workflow_id": run.workflow_id, "version_id": run.version_id,
                        "version": version, "status": run.status.value, "items": run.items, "error": run.error})
    return run_read(run, version)


# -- the workflow service ---------------------------------------------------------------------------------
def service_run(session: Session, run_id: int) -> ServiceRun:
    """A run with its input and every step with its output (for the orchestrator)."""
    found = repo.get_run_version(session, run_id)
    if found is None:
        raise NotFound("workflow run not found", field="path.run_id")
    run, version = found
    steps = [ServiceStep(key=s.key, instance=s.instance, block=s.block, queue=s.queue, status=s.status,
                         attempts=s.attempts, output=s.output, summary=s.summary, error=s.error, items=s.items,
                         created_at=s.created_at, queued_at=s.queued_at, started_at=s.started_at,
                         finished_at=s.finished_at) for s in repo.steps_of(session, run.id)]
    return ServiceRun(run_id=run.id, project_id=run.project_id, workflow_id=run.workflow_id,
                      version_id=run.version_id, version=version.number, definition=version.definition,
                      status=run.status, trigger_kind=run.trigger_kind,
                      trigger_key=run.trigger_key, event_id=run.event_id, input=run.input, items=run.items,
                      error=run.error, cancel_requested=run.cancel_requested, created_at=run.created_at,
                      started_at=run.started_at, finished_at=run.finished_at, steps=steps)


def active_runs(session: Session, statuses: Collection[RunStatus], after_id: int, limit: int) -> list[ActiveRun]:
    """Runs in these statuses after ``after_id`` (the service resumes them after a restart)."""
    return [ActiveRun(run_id=r.id, project_id=r.project_id, workflow_id=r.workflow_id, version_id=r.version_id,
                      status=r.status) for r in repo.active_runs(session, statuses, after_id, limit)]


def _filter_matches(session: Session, wanted: list[tuple[int, int, RunRequest]]) -> dict[int, list[int]]:
    """item index → the filter's files that match its query (one SELECT per distinct project and query)."""
    groups: dict[tuple[int, str], list[tuple[int, RunRequest]]] = {}
    for index, project_id, item in wanted:
        assert item.filter is not None
        groups.setdefault((project_id, item.filter.query), []).append((index, item))
    matched: dict[int, list[int]] = {}
    for (project_id, query), members in groups.items():
        try:
            condition = compile_query(session, project_id, query, field="body.runs.filter.query")
        except ValidationFailed as exc:
            # Checked when the definition was saved; it can break later (a label renamed): no run, logged.
            log.warning("workflow trigger filter %r no longer compiles in project %s: %s", query, project_id,
                        exc.message)
            continue
        ids = {fid for _, item in members for fid in item.filter.file_ids}  # type: ignore[union-attr]
        found = repo.matching_file_ids(session, project_id, condition, ids)
        for index, item in members:
            matched[index] = [fid for fid in dict.fromkeys(item.filter.file_ids) if fid in found]  # type: ignore[union-attr]
    return matched


def create_runs(session: Session, actor_id: int, body: RunRequests) -> list[RunCreated]:
    """Create runs for triggers, idempotently by (version, trigger key); all items in one transaction."""
    items = body.runs
    versions = repo.versions_with_workflows(session, {r.version_id for r in items})
    bad = [FieldError(field=f"body.runs.{i}.version_id",
                      message=f"version {r.version_id} belongs to workflow {versions[r.version_id].workflow_id}, "
                              f"not {r.workflow_id}")
           for i, r in enumerate(items) if r.version_id in versions
           and versions[r.version_id].workflow_id != r.workflow_id]
    if bad:
        raise ValidationFailed(bad[0].message, fields=bad)
    existing = repo.runs_by_key(session, {(r.version_id, r.trigger_key) for r in items})
    usable = [(i, versions[r.version_id].project_id, r) for i, r in enumerate(items)
              if (r.version_id, r.trigger_key) not in existing and r.version_id in versions
              and versions[r.version_id].enabled]
    matched = _filter_matches(session, [u for u in usable if u[2].filter is not None])
    now = utcnow()
    new: dict[tuple[int, str], dict[str, Any]] = {}
    skipped: dict[int, str] = {}
    for i, project_id, r in usable:
        key = (r.version_id, r.trigger_key)
        if key in new:
            continue
        run_input = dict(r.input)
        if r.filter is not None:
            if not matched.get(i):
                skipped[i] = "filter"
                continue
            run_input["file_ids"] = matched[i]
        new[key] = {"project_id": project_id, "workflow_id": r.workflow_id, "version_id": r.version_id,
                    "status": RunStatus.pending, "trigger_kind": r.trigger_kind, "trigger_key": r.trigger_key,
                    "event_id": r.event_id, "input": run_input, "items": 0, "error": None,
                    "cancel_requested": False, "created_by_id": actor_id, "created_at": now, "started_at": None,
                    "finished_at": None}
    inserted = repo.insert_runs(session, list(new.values()))
    lost = [k for k in new if k not in inserted]  # created meanwhile by a concurrent request
    existing.update(repo.runs_by_key(session, lost))
    record_all(session, [NewEvent("workflow.run.created", new[k]["project_id"], actor_id, {
        "run_id": run_id, "workflow_id": new[k]["workflow_id"], "version_id": k[0],
        "version": versions[k[0]].number, "status": RunStatus.pending.value,
        "trigger_kind": new[k]["trigger_kind"].value, "event_id": new[k]["event_id"]})
        for k, run_id in sorted(inserted.items(), key=lambda kv: kv[1])])
    results: list[RunCreated] = []
    reported: set[tuple[int, str]] = set()
    for i, r in enumerate(items):
        key = (r.version_id, r.trigger_key)
        if key in inserted:
            results.append(RunCreated(run_id=inserted[key], created=key not in reported, status=RunStatus.pending))
            reported.add(key)
        elif key in existing:
            results.append(RunCreated(run_id=existing[key].id, created=False, status=existing[key].status))
        else:
            results.append(RunCreated(run_id=None, created=False, status=None, skipped=skipped.get(i, "disabled")))
    return results
