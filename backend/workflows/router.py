"""HTTP: a project's workflows — definitions and their versions, manual runs, runs, stats.

Read: admins, editors, viewers; manual runs and cancel: editors and admins; definitions: admins.
Annotators and non-members get 404. The workflow service's own endpoints are in ``service_router``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, status

from backend.core.deps import SessionDep
from backend.core.pagination import Page, PageDep
from backend.workflows import runs_service, service, stats
from backend.workflows.deps import WorkflowAdmin, WorkflowEditor, WorkflowReader
from backend.workflows.report import LOG_LIMIT
from backend.workflows.run_schemas import RunTrigger, WorkflowRunDetail, WorkflowRunRead, WorkflowStats
from backend.workflows.schemas import (
    VersionDetail,
    VersionRead,
    WorkflowCreate,
    WorkflowDetail,
    WorkflowDiff,
    WorkflowPatch,
    WorkflowRead,
    WorkflowUpdate,
    WorkflowValidate,
    WorkflowValidated,
)

router = APIRouter(tags=["workflows"])
_BASE = "/projects/{project_id}/workflows"
_ONE = _BASE + "/{workflow_id}"
WorkflowId = Annotated[int, Path(ge=1)]
_INVALID: dict[int | str, dict[str, Any]] = {
    422: {"description": "invalid definition: `errors` lists each problem with line, column, message, path"}}


@router.post(_BASE, response_model=WorkflowDetail, status_code=status.HTTP_201_CREATED, responses=_INVALID,
             summary="Define a workflow (version 1) from YAML or JSON")
def create_workflow(body: WorkflowCreate, access: WorkflowAdmin, session: SessionDep) -> WorkflowDetail:
    """422 with every problem (line, column) for an invalid definition; 409 when the name is taken."""
    return service.detail(session, *service.create(session, access, body))


@router.get(_BASE, response_model=Page[WorkflowRead], summary="The project's workflows")
def list_workflows(access: WorkflowReader, session: SessionDep, page: PageDep) -> Page[WorkflowRead]:
    return service.list_workflows(session, access, page)


@router.post(_BASE + "/validate", response_model=WorkflowValidated, responses=_INVALID,
             summary="Check a definition without saving it")
def validate_workflow(body: WorkflowValidate, access: WorkflowReader, session: SessionDep) -> WorkflowValidated:
    return service.validate(session, access, body)


@router.get(_ONE, response_model=WorkflowDetail, summary="One workflow with its current source")
def get_workflow(workflow_id: WorkflowId, access: WorkflowReader, session: SessionDep) -> WorkflowDetail:
    return service.detail(session, *service.get(session, access, workflow_id))


@router.put(_ONE, response_model=WorkflowDetail, responses=_INVALID,
            summary="Save a new definition (a new version; none if the source is unchanged)")
def update_workflow(workflow_id: WorkflowId, body: WorkflowUpdate, access: WorkflowAdmin,
                    session: SessionDep) -> WorkflowDetail:
    return service.detail(session, *service.update(session, access, workflow_id, body))


@router.patch(_ONE, response_model=WorkflowDetail, summary="Enable or disable a workflow, or store its canvas layout")
def patch_workflow(workflow_id: WorkflowId, body: WorkflowPatch, access: WorkflowAdmin,
                   session: SessionDep) -> WorkflowDetail:
    return service.detail(session, *service.patch(session, access, workflow_id, body))


@router.delete(_ONE, status_code=status.HTTP_204_NO_CONTENT, summary="Delete a workflow with its versions and runs")
def delete_workflow(workflow_id: WorkflowId, access: WorkflowAdmin, session: SessionDep) -> None:
    service.delete(session, access, workflow_id)


@router.get(_ONE + "/versions", response_model=list[VersionRead], summary="Every version, newest first")
def list_versions(workflow_id: WorkflowId, access: WorkflowReader, session: SessionDep) -> list[VersionRead]:
    return [VersionRead.model_validate(v) for v in service.versions(session, access, workflow_id)]


@router.get(_ONE + "/versions/{number}", response_model=VersionDetail, summary="One version with its source")
def get_version(workflow_id: WorkflowId, number: Annotated[int, Path(ge=1)], access: WorkflowReader,
                session: SessionDep) -> VersionDetail:
    return VersionDetail.model_validate(service.version(session, access, workflow_id, number))


@router.get(_ONE + "/diff", response_model=WorkflowDiff, summary="Unified diff between two versions' sources")
def diff_versions(workflow_id: WorkflowId, access: WorkflowReader, session: SessionDep,
                  from_: Annotated[int, Query(alias="from", ge=1, description="the older version")],
                  to: Annotated[int, Query(ge=1, description="the newer version")]) -> WorkflowDiff:
    return service.diff(session, access, workflow_id, from_, to)


@router.post(_ONE + "/runs", response_model=WorkflowRunRead, status_code=status.HTTP_202_ACCEPTED,
             summary="Run now (needs a `manual` trigger); the workflow service picks the run up")
def trigger_run(workflow_id: WorkflowId, access: WorkflowEditor, session: SessionDep,
                body: RunTrigger | None = None) -> WorkflowRunRead:
    """422 without a manual trigger, 409 when the workflow is disabled."""
    return runs_service.run_read(*service.trigger(session, access, workflow_id, body or RunTrigger()))


@router.get(_ONE + "/runs", response_model=Page[WorkflowRunRead], summary="A workflow's runs, newest first")
def list_runs(workflow_id: WorkflowId, access: WorkflowReader, session: SessionDep, page: PageDep,
              status_: Annotated[list[str] | None, Query(alias="status", description="e.g. running,failed")] = None,
              ) -> Page[WorkflowRunRead]:
    workflow, _ = service.get(session, access, workflow_id)
    return runs_service.list_runs(session, workflow.id, runs_service.parse_statuses(status_), page)


@router.get(_ONE + "/stats", response_model=WorkflowStats,
            summary="Runs, success rate, durations, items; per day (30 days) and per step")
def workflow_stats(workflow_id: WorkflowId, access: WorkflowReader, session: SessionDep) -> WorkflowStats:
    workflow, _ = service.get(session, access, workflow_id)
    return stats.workflow_stats(session, workflow.id)


@router.get("/projects/{project_id}/workflow-runs/{run_id}", response_model=WorkflowRunDetail,
            summary="One run with its step timeline and each step's log tail")
def get_run(run_id: Annotated[int, Path(ge=1)], access: WorkflowReader, session: SessionDep,
            log_tail: Annotated[int, Query(ge=0, le=LOG_LIMIT, description="bytes of each step's log")] = LOG_LIMIT,
            ) -> WorkflowRunDetail:
    return runs_service.run_detail(session, access, run_id, log_tail)


@router.post("/projects/{project_id}/workflow-runs/{run_id}/cancel", response_model=WorkflowRunRead,
             summary="Cancel a run (and its unfinished steps); a finished run stays as it is")
def cancel_run(run_id: Annotated[int, Path(ge=1)], access: WorkflowEditor, session: SessionDep) -> WorkflowRunRead:
    return runs_service.cancel(session, access, run_id)
