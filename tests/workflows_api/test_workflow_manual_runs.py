"""Manual runs, the run lists and details people see, and cancel."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from sqlalchemy import Engine

from tests.conftest import Actor, Team
from tests.factories import add_file
from tests.workflows_api.wfhelpers import API, REVIEW_TEXTS, THREE_STEPS, events_of

Make = Callable[..., dict[str, Any]]
NO_MANUAL = THREE_STEPS.replace("  - manual: true\n", "")


def test_manual_trigger_requests_a_run(app: FastAPI, team: Team, make_workflow: Make, engine: Engine) -> None:
    wf = make_workflow(REVIEW_TEXTS)
    f = add_file(app, team.project_id, kind="text")
    url = f"{API}/projects/{team.project_id}/workflows/{wf['id']}/runs"
    r = team.editor.client.post(url, json={"input": {"why": "retry"}, "file_ids": [f, f]})
    assert r.status_code == 202, r.text
    run = r.json()
    assert run["status"] == "pending" and run["trigger_kind"] == "manual" and run["version"] == 1
    assert re.fullmatch(r"manual:[0-9a-f-]{36}", run["trigger_key"])
    assert run["created_by_id"] == team.editor.user.id and run["duration_s"] is None
    requested = events_of(engine, "workflow.run.requested")
    assert [(p["run_id"], p["workflow_id"], p["version_id"], actor) for _, p, actor in requested] == [
        (run["id"], wf["id"], run["version_id"], team.editor.user.id)]
    detail = team.viewer.client.get(f"{API}/projects/{team.project_id}/workflow-runs/{run['id']}").json()
    assert detail["input"] == {"why": "retry", "file_ids": [f]} and detail["steps"] == []
    second = team.admin.client.post(url).json()  # no body: an empty input
    assert second["trigger_key"] != run["trigger_key"]
    listed = team.viewer.client.get(f"{API}/projects/{team.project_id}/workflows").json()["items"][0]
    assert listed["last_run"]["id"] == second["id"] and listed["last_run"]["status"] == "pending"


def test_manual_trigger_refusals(app: FastAPI, team: Team, make_workflow: Make, engine: Engine) -> None:
    p = team.project_id
    no_manual = make_workflow(NO_MANUAL)
    r = team.editor.client.post(f"{API}/projects/{p}/workflows/{no_manual['id']}/runs", json={})
    assert r.status_code == 422 and "manual" in r.json()["error"]["message"]
    wf = make_workflow(REVIEW_TEXTS)
    url = f"{API}/projects/{p}/workflows/{wf['id']}/runs"
    other = add_file(app, team.outsider.client.get(f"{API}/projects").json()["items"][0]["id"])
    bad = team.editor.client.post(url, json={"file_ids": [other]})
    assert bad.status_code == 422 and bad.json()["error"]["fields"][0]["field"] == "body.file_ids.0"
    team.admin.client.patch(f"{API}/projects/{p}/workflows/{wf['id']}", json={"enabled": False})
    assert team.editor.client.post(url, json={}).status_code == 409
    assert events_of(engine, "workflow.run.") == []


def test_runs_list_newest_first_with_status_filter(team: Team, service_actor: Actor, make_workflow: Make) -> None:
    wf = make_workflow(THREE_STEPS)
    url = f"{API}/projects/{team.project_id}/workflows/{wf['id']}/runs"
    ids = [team.editor.client.post(url, json={}).json()["id"] for _ in range(3)]
    service_actor.client.post(f"{API}/service/workflow-runs/report", json={"runs": [
        {"run_id": ids[0], "status": "running"}, {"run_id": ids[1], "status": "failed", "error": "x"}]})
    everything = team.viewer.client.get(url).json()["items"]
    assert [r["id"] for r in everything] == ids[::-1]
    page = team.viewer.client.get(url, params={"limit": 2}).json()
    rest = team.viewer.client.get(url, params={"limit": 2, "cursor": page["next_cursor"]}).json()
    assert [r["id"] for r in page["items"] + rest["items"]] == ids[::-1]
    some = team.viewer.client.get(url, params={"status": "running,failed"}).json()["items"]
    assert [(r["id"], r["status"]) for r in some] == [(ids[1], "failed"), (ids[0], "running")]
    repeated = team.viewer.client.get(url, params=[("status", "pending"), ("status", "failed")]).json()["items"]
    assert [r["id"] for r in repeated] == [ids[2], ids[1]]
    assert team.viewer.client.get(url, params={"status": "bogus"}).status_code == 422


def test_cancel_stops_the_run_and_its_open_steps(team: Team, service_actor: Actor, make_workflow: Make,
                                                 engine: Engine) -> None:
    wf = make_workflow(THREE_STEPS)
    run = team.editor.client.post(f"{API}/projects/{team.project_id}/workflows/{wf['id']}/runs", json={}).json()
    service_actor.client.post(f"{API}/service/workflow-runs/report", json={
        "runs": [{"run_id": run["id"], "status": "running"}],
        "steps": [{"run_id": run["id"], "key": "first", "status": "succeeded"},
                  {"run_id": run["id"], "key": "second", "status": "running"},
                  {"run_id": run["id"], "key": "out", "status": "queued"}]})
    url = f"{API}/projects/{team.project_id}/workflow-runs/{run['id']}"
    r = team.editor.client.post(f"{url}/cancel")
    assert r.status_code == 200
    assert r.json()["status"] == "cancelled" and r.json()["cancel_requested"] is True and r.json()["finished_at"]
    steps = {s["key"]: s["status"] for s in team.viewer.client.get(url).json()["steps"]}
    assert steps == {"first": "succeeded", "second": "cancelled", "out": "cancelled"}
    again = team.editor.client.post(f"{url}/cancel")
    assert again.status_code == 200 and again.json()["status"] == "cancelled"
    cancelled = events_of(engine, "workflow.run.cancelled")
    assert [(p["run_id"], actor) for _, p, actor in cancelled] == [(run["id"], team.editor.user.id)]
    seen = service_actor.client.get(f"{API}/service/workflow-runs/{run['id']}").json()
    assert seen["cancel_requested"] is True and seen["status"] == "cancelled"


def test_a_finished_run_cannot_be_cancelled(team: Team, service_actor: Actor, make_workflow: Make,
                                            engine: Engine) -> None:
    wf = make_workflow(THREE_STEPS)
    run = team.editor.client.post(f"{API}/projects/{team.project_id}/workflows/{wf['id']}/runs", json={}).json()
    service_actor.client.post(f"{API}/service/workflow-runs/report",
                              json={"runs": [{"run_id": run["id"], "status": "succeeded"}]})
    r = team.editor.client.post(f"{API}/projects/{team.project_id}/workflow-runs/{run['id']}/cancel")
    assert r.status_code == 200 and r.json()["status"] == "succeeded" and r.json()["cancel_requested"] is False
    assert events_of(engine, "workflow.run.cancelled") == []
