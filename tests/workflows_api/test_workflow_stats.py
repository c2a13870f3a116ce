"""Workflow statistics computed from known runs and steps."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, update

from backend.workflows.models import WorkflowRun, WorkflowStep
from tests.conftest import Actor, Team
from tests.workflows_api.wfhelpers import API, THREE_STEPS, run_requests

T0 = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


def _set(engine: Engine, model: Any, where: Any, **values: Any) -> None:
    with engine.begin() as conn:
        conn.execute(update(model).where(where).values(**values))


def test_stats_on_known_runs(team: Team, service_actor: Actor, make_workflow: Callable[..., dict[str, Any]],
                             current_version_id: Callable[[dict[str, Any]], int], engine: Engine) -> None:
    wf = make_workflow(THREE_STEPS)
    body = run_requests(wf["id"], current_version_id(wf), ["a", "b", "c", "d", "e"])
    a, b, c, d, e = (r["run_id"] for r in service_actor.client.post(f"{API}/service/workflow-runs",
                                                                     json=body).json())
    step = [{"run_id": a, "key": "first", "status": "succeeded"}, {"run_id": a, "key": "second", "status": "succeeded"},
            {"run_id": b, "key": "first", "status": "succeeded"}, {"run_id": c, "key": "first", "status": "failed"}]
    service_actor.client.post(f"{API}/service/workflow-runs/report", json={"steps": step, "runs": [
        {"run_id": a, "status": "succeeded", "items": 3}, {"run_id": b, "status": "succeeded", "items": 2},
        {"run_id": c, "status": "failed"}, {"run_id": d, "status": "cancelled"}]})
    today = datetime.now(UTC).date()
    early = datetime.combine(today, time(0, 0, 1), tzinfo=UTC)
    for run, seconds in ((a, 10), (b, 20), (c, 30)):
        _set(engine, WorkflowRun, WorkflowRun.id == run, created_at=early, started_at=T0,
             finished_at=T0 + timedelta(seconds=seconds))
    _set(engine, WorkflowRun, WorkflowRun.id == d, created_at=early - timedelta(days=2), started_at=T0,
         finished_at=T0 + timedelta(hours=5))  # cancelled: no duration counted
    _set(engine, WorkflowRun, WorkflowRun.id == e, created_at=early - timedelta(days=40))
    for run, key, seconds in ((a, "first", 4), (a, "second", 6), (b, "first", 2), (c, "first", 1)):
        _set(engine, WorkflowStep, (WorkflowStep.run_id == run) & (WorkflowStep.key == key), started_at=T0,
             finished_at=T0 + timedelta(seconds=seconds))

    r = team.viewer.client.get(f"{API}/projects/{team.project_id}/workflows/{wf['id']}/stats")
    assert r.status_code == 200, r.text
    stats = r.json()
    assert stats["runs"] == 5
    assert stats["by_status"] == {"pending": 1, "running": 0, "succeeded": 2, "failed": 1, "cancelled": 1}
    assert stats["success_rate"] == pytest.approx(2 / 3)
    assert stats["duration_p50_s"] == pytest.approx(20)
    assert stats["duration_p95_s"] == pytest.approx(29)
    assert stats["items_processed"] == 5
    days = stats["per_day"]
    assert len(days) == 30 and days[-1]["date"] == today.isoformat()
    assert days[0]["date"] == (today - timedelta(days=29)).isoformat()
    assert days[-1] == {"date": today.isoformat(), "runs": 3, "succeeded": 2, "failed": 1}
    assert days[-3] == {"date": (today - timedelta(days=2)).isoformat(), "runs": 1, "succeeded": 0, "failed": 0}
    assert sum(day["runs"] for day in days) == 4  # the run from 40 days ago is outside the window
    assert stats["steps"] == [{"key": "first", "runs": 3, "failed": 1, "duration_p50_s": pytest.approx(2)},
                              {"key": "second", "runs": 1, "failed": 0, "duration_p50_s": pytest.approx(6)}]


def test_stats_of_a_workflow_without_runs(team: Team, make_workflow: Callable[..., dict[str, Any]]) -> None:
    wf = make_workflow(THREE_STEPS)
    stats = team.viewer.client.get(f"{API}/projects/{team.project_id}/workflows/{wf['id']}/stats").json()
    assert stats["runs"] == 0 and stats["success_rate"] is None and stats["duration_p50_s"] is None
    assert stats["steps"] == [] and {d["runs"] for d in stats["per_day"]} == {0}
