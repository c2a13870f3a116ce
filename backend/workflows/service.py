"""Workflow definitions: create, new versions, enable/disable, delete, versions and diffs, manual runs."""

from __future__ import annotations

import difflib
import uuid
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.core.errors import Conflict, FieldError, NotFound, ValidationFailed
from backend.core.pagination import Page, PageParams, make_page
from backend.core.types import utcnow
from backend.events.service import record
from backend.files import repository as files_repo
from backend.projects.deps import ProjectAccess
from backend.workflows import repository
from backend.workflows.definition import Checked, check, has_manual_trigger
from backend.workflows.models import RunStatus, TriggerKind, Workflow, WorkflowRun, WorkflowVersion
from backend.workflows.run_schemas import RunTrigger, ServiceWorkflow
from backend.workflows.schemas import (
    LastRun,
    Layout,
    WorkflowCreate,
    WorkflowDetail,
    WorkflowDiff,
    WorkflowPatch,
    WorkflowRead,
    WorkflowUpdate,
    WorkflowValidate,
    WorkflowValidated,
)

Current = repository.Current


def _payload(workflow: Workflow, **extra: Any) -> dict[str, Any]:
    return {"workflow_id": workflow.id, "name": workflow.name, "version": workflow.current_version,
            "enabled": workflow.enabled, **extra}


def read(workflow: Workflow, version: WorkflowVersion, last: WorkflowRun | None) -> WorkflowRead:
    """The list form of a workflow."""
    return WorkflowRead(
        id=workflow.id, project_id=workflow.project_id, name=workflow.name, description=workflow.description,
        enabled=workflow.enabled, current_version=workflow.current_version,
        triggers=list(version.definition.get("on", [])), created_at=workflow.created_at,
        updated_at=workflow.updated_at,
        last_run=LastRun(id=last.id, status=last.status, created_at=last.created_at) if last else None)


def detail(session: Session, workflow: Workflow, version: WorkflowVersion) -> WorkflowDetail:
    """A workflow with its current source and definition."""
    last = repository.last_runs(session, [workflow.id]).get(workflow.id)
    return WorkflowDetail(**read(workflow, version, last).model_dump(), source=version.source,
                          format=version.format, definition=version.definition, layout=workflow.layout or {})


def _layout(layout: Layout | None) -> dict[str, Any]:
    return {name: p.model_dump() for name, p in (layout or {}).items()}


def get(session: Session, access: ProjectAccess, workflow_id: int, *, lock: bool = False) -> Current:
    """The project's workflow with its current version, or 404."""
    found = repository.get_current(session, access.project.id, workflow_id, lock=lock)
    if found is None:
        raise NotFound("workflow not found", field="path.workflow_id")
    return found


def list_workflows(session: Session, access: ProjectAccess, page: PageParams) -> Page[WorkflowRead]:
    """A page of the project's workflows, each with its triggers and newest run."""
    rows = repository.list_current(session, access.project.id, page.after, page.limit + 1)
    last = repository.last_runs(session, [w.id for w, _ in rows[:page.limit]])
    return make_page(rows, page, lambda r: read(r[0], r[1], last.get(r[0].id)), lambda r: r[0].id)


def validate(session: Session, access: ProjectAccess, data: WorkflowValidate) -> WorkflowValidated:
    """Check a definition without storing it (422 like create)."""
    checked = check(session, access.project.id, data.source, data.format)
    return WorkflowValidated(name=checked.name, values=checked.validated.order)


def _name_conflict(name: str) -> Conflict:
    return Conflict(f"a workflow named {name!r} already exists in this project", field="body.source")


def _flush_unique(session: Session, name: str) -> None:
    # The name check covers the common case; this covers two requests racing for one name.
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        raise _name_conflict(name) from exc


def _add_version(session: Session, workflow: Workflow, number: int, source: str, checked: Checked,
                 user_id: int) -> WorkflowVersion:
    version = WorkflowVersion(workflow_id=workflow.id, number=number, source=source, format=checked.format,
                              definition=checked.definition, created_by_id=user_id, created_at=utcnow())
    session.add(version)
    return version


def create(session: Session, access: ProjectAccess, data: WorkflowCreate) -> Current:
    """A new workflow at version 1; 422 for an invalid definition, 409 for a taken name."""
    checked = check(session, access.project.id, data.source, data.format)
    if repository.name_taken(session, access.project.id, checked.name):
        raise _name_conflict(checked.name)
    definition = checked.validated.definition
    workflow = Workflow(project_id=access.project.id, name=checked.name, description=definition.description,
                        enabled=data.enabled, current_version=1, created_by_id=access.user.id,
                        layout=_layout(data.layout))
    session.add(workflow)
    _flush_unique(session, checked.name)
    version = _add_version(session, workflow, 1, data.source, checked, access.user.id)
    session.flush()
    record(session, "workflow.created", project_id=access.project.id, actor_id=access.user.id,
           payload=_payload(workflow))
    return workflow, version


def update(session: Session, access: ProjectAccess, workflow_id: int, data: WorkflowUpdate) -> Current:
    """A new version (none when the source is unchanged); 422 when invalid, 409 when the new name is taken."""
    workflow, current = get(session, access, workflow_id, lock=True)
    if data.layout is not None:
        workflow.layout = _layout(data.layout)
    if data.source == current.source and data.format in (None, current.format):
        return workflow, current
    checked = check(session, access.project.id, data.source, data.format)
    changed = ["definition"]
    if checked.name != workflow.name:
        if repository.name_taken(session, access.project.id, checked.name, exclude_id=workflow.id):
            raise _name_conflict(checked.name)
        changed.append("name")
    workflow.name = checked.name
    workflow.description = checked.validated.definition.description
    workflow.current_version += 1
    workflow.updated_at = utcnow()
    _flush_unique(session, checked.name)
    version = _add_version(session, workflow, workflow.current_version, data.source, checked, access.user.id)
    session.flush()
    record(session, "workflow.updated", project_id=access.project.id, actor_id=access.user.id,
           payload=_payload(workflow, changed=changed))
    return workflow, version


def patch(session: Session, access: ProjectAccess, workflow_id: int, data: WorkflowPatch) -> Current:
    """Enable or disable a workflow (a disabled one starts no runs), or store its canvas layout."""
    workflow, current = get(session, access, workflow_id, lock=True)
    if data.layout is not None:
        workflow.layout = _layout(data.layout)
    if data.enabled is not None and workflow.enabled != data.enabled:
        workflow.enabled = data.enabled
        workflow.updated_at = utcnow()
        session.flush()
        record(session, "workflow.updated", project_id=access.project.id, actor_id=access.user.id,
               payload=_payload(workflow, changed=["enabled"]))
    return workflow, current


def delete(session: Session, access: ProjectAccess, workflow_id: int) -> None:
    """Delete a workflow with its versions, runs and steps."""
    workflow, _ = get(session, access, workflow_id, lock=True)
    payload = _payload(workflow)
    repository.delete_workflow(session, workflow.id)
    session.expunge(workflow)
    record(session, "workflow.deleted", project_id=access.project.id, actor_id=access.user.id, payload=payload)


def version(session: Session, access: ProjectAccess, workflow_id: int, number: int) -> WorkflowVersion:
    """One version of the project's workflow, or 404."""
    workflow, _ = get(session, access, workflow_id)
    found = repository.version(session, workflow.id, number)
    if found is None:
        raise NotFound(f"workflow {workflow_id} has no version {number}", field="path.number")
    return found


def versions(session: Session, access: ProjectAccess, workflow_id: int) -> list[WorkflowVersion]:
    """Every version, newest first."""
    workflow, _ = get(session, access, workflow_id)
    return repository.versions(session, workflow.id)


def diff(session: Session, access: ProjectAccess, workflow_id: int, old: int, new: int) -> WorkflowDiff:
    """The unified diff between two versions' sources."""
    workflow, _ = get(session, access, workflow_id)
    found = {}
    for number, field in ((old, "query.from"), (new, "query.to")):
        v = repository.version(session, workflow.id, number)
        if v is None:
            raise NotFound(f"workflow {workflow_id} has no version {number}", field=field)
        found[number] = v
    lines = difflib.unified_diff(found[old].source.splitlines(keepends=True),
                                 found[new].source.splitlines(keepends=True), fromfile=f"v{old}", tofile=f"v{new}")
    text = "".join(line if line.endswith("\n") else line + "\n" for line in lines)
    return WorkflowDiff(from_=old, to=new, diff=text)


def trigger(session: Session, access: ProjectAccess, workflow_id: int,
            data: RunTrigger) -> tuple[WorkflowRun, int]:
    """Request a manual run (pending) and its version number; the service starts it on ``workflow.run.requested``."""
    workflow, current = get(session, access, workflow_id)
    if not has_manual_trigger(current.definition):
        raise ValidationFailed("this workflow has no manual trigger (add `- manual: true` under `on`)",
                               field="path.workflow_id")
    if not workflow.enabled:
        raise Conflict("this workflow is disabled; enable it first", field="path.workflow_id")
    run_input = dict(data.input)
    if data.file_ids is not None:
        live = files_repo.live_ids(session, access.project.id, data.file_ids)
        bad = [FieldError(field=f"body.file_ids.{i}", message=f"file {fid} is not a file of this project")
               for i, fid in enumerate(data.file_ids) if fid not in live]
        if bad:
            raise ValidationFailed(bad[0].message + (f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""),
                                   fields=bad)
        run_input["file_ids"] = list(dict.fromkeys(data.file_ids))
    run = WorkflowRun(project_id=access.project.id, workflow_id=workflow.id, version_id=current.id,
                      status=RunStatus.pending, trigger_kind=TriggerKind.manual, trigger_key=f"manual:{uuid.uuid4()}",
                      input=run_input, items=0, cancel_requested=False, created_by_id=access.user.id,
                      created_at=utcnow())
    session.add(run)
    session.flush()
    record(session, "workflow.run.requested", project_id=access.project.id, actor_id=access.user.id,
           payload={"run_id": run.id, "workflow_id": workflow.id, "version_id": current.id,
                    "version": current.number, "status": run.status.value, "trigger_kind": "manual"})
    return run, current.number


def service_workflows(session: Session) -> list[ServiceWorkflow]:
    """Every enabled workflow of every project with its current version (what the service matches events to)."""
    return [ServiceWorkflow(workflow_id=w.id, project_id=w.project_id, name=w.name, version_id=v.id,
                            version=v.number, definition=v.definition) for w, v in repository.enabled_current(session)]
