"""HTTP: the block catalogue, and the endpoints the workflow service drives runs through (service accounts only).

``GET /blocks`` is open to every signed-in user (the UI builds block forms from it); registering blocks
and everything under ``/service`` answers 403 to people.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from backend.auth.deps import CurrentUser
from backend.core.deps import SessionDep
from backend.workflows import blocks_service, report, runs_service, service
from backend.workflows.deps import ServiceAccount
from backend.workflows.models import RunStatus
from backend.workflows.run_schemas import (
    ActiveRun,
    ReportBody,
    ReportResult,
    RunCreated,
    RunRequests,
    ServiceRun,
    ServiceWorkflow,
)
from backend.workflows.schemas import BlockCatalogueUpdate, BlockRead

router = APIRouter(tags=["workflow service"])


@router.get("/blocks", response_model=list[BlockRead], tags=["workflows"],
            summary="The block catalogue: each block's config JSON Schema, inputs and outputs")
def list_blocks(_: CurrentUser, session: SessionDep) -> list[BlockRead]:
    return blocks_service.list_blocks(session)


@router.put("/blocks", response_model=list[BlockRead], summary="Register blocks (upsert by slug; service only)")
def register_blocks(body: BlockCatalogueUpdate, _: ServiceAccount, session: SessionDep) -> list[BlockRead]:
    """``replace: true`` also removes every block not listed."""
    return blocks_service.register(session, body)


@router.get("/service/workflows", response_model=list[ServiceWorkflow],
            summary="Every enabled workflow with its current version")
def enabled_workflows(_: ServiceAccount, session: SessionDep) -> list[ServiceWorkflow]:
    return service.service_workflows(session)


@router.post("/service/workflow-runs", response_model=list[RunCreated],
             summary="Create runs for triggers, idempotent by (version, trigger key); one result per item")
def create_runs(body: RunRequests, user: ServiceAccount, session: SessionDep) -> list[RunCreated]:
    """With a filter, only the files matching its query go into ``input.file_ids``; none: no run."""
    return runs_service.create_runs(session, user.id, body)


@router.post("/service/workflow-runs/report", response_model=ReportResult,
             summary="Report run and step states in one batch; terminal states are final")
def report_states(body: ReportBody, user: ServiceAccount, session: SessionDep) -> ReportResult:
    return report.report(session, body, user.id)


@router.get("/service/workflow-runs", response_model=list[ActiveRun],
            summary="Runs in the given statuses, in id order (recovery after a restart)")
def active_runs(_: ServiceAccount, session: SessionDep,
                status: Annotated[str, Query(description="comma-separated")] = "pending,running",
                after_id: Annotated[int, Query(ge=0)] = 0,
                limit: Annotated[int, Query(ge=1, le=5000)] = 500) -> list[ActiveRun]:
    statuses = runs_service.parse_statuses([status]) or [RunStatus.pending, RunStatus.running]
    return runs_service.active_runs(session, statuses, after_id, limit)


@router.get("/service/workflow-runs/{run_id}", response_model=ServiceRun,
            summary="One run with its input and every step with its output")
def get_run(run_id: Annotated[int, Path(ge=1)], _: ServiceAccount, session: SessionDep) -> ServiceRun:
    return runs_service.service_run(session, run_id)
