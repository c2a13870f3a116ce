"""Concurrent service calls on a real server: one run per trigger key, no lost step updates."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from sqlalchemy import Engine

from tests.conftest import Actor, Team
from tests.workflows_api.wfhelpers import API, THREE_STEPS, events_of, run_requests


def test_parallel_creation_and_reports(team: Team, service_actor: Actor, live_server: str, engine: Engine,
                                       make_workflow: Callable[..., dict[str, Any]],
                                       current_version_id: Callable[[dict[str, Any]], int]) -> None:
    wf = make_workflow(THREE_STEPS)
    body = run_requests(wf["id"], current_version_id(wf), ["event:1", "event:2", "event:3"])
    headers = {"Authorization": f"Bearer {service_actor.token}"}

    def post(path: str, payload: dict[str, Any]) -> Any:
        r = httpx.post(f"{live_server}{API}{path}", json=payload, headers=headers, timeout=60)
        assert r.status_code == 200, r.text
        return r.json()

    with ThreadPoolExecutor(8) as pool:
        created = list(pool.map(lambda _: post("/service/workflow-runs", body), range(8)))
    ids = {tuple(r["run_id"] for r in answer) for answer in created}
    assert len(ids) == 1  # every caller got the same three runs
    assert sum(r["created"] for answer in created for r in answer) == 3
    assert len(events_of(engine, "workflow.run.created")) == 3
    run_ids = list(next(iter(ids)))

    report = {"steps": [{"run_id": r, "key": k, "status": "running", "log": "x\n"} for r in run_ids
                        for k in ("first", "second")]}
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: post("/service/workflow-runs/report", report), range(8)))
    for run_id in run_ids:
        run = post("/service/workflow-runs/report", {"runs": [{"run_id": run_id}]})
        assert run["runs"][0]["status"] == "pending"
        detail = team.viewer.client.get(f"{API}/projects/{team.project_id}/workflow-runs/{run_id}").json()
        assert [(s["key"], s["attempts"], s["logs"]) for s in detail["steps"]] == [
            ("first", 8, "x\n" * 8), ("second", 8, "x\n" * 8)]
    assert len(events_of(engine, "workflow.step.started")) == 8 * 6
