"""The workflow service's run creation: idempotent by (version, trigger key), filters, disabled workflows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from sqlalchemy import Engine, func, select

from backend.workflows.models import WorkflowRun
from tests.conftest import Actor, Team
from tests.factories import add_file
from tests.workflows_api.wfhelpers import API, REVIEW_TEXTS, THREE_STEPS, events_of, run_requests

Make = Callable[..., dict[str, Any]]
VersionOf = Callable[[dict[str, Any]], int]
RUNS = f"{API}/service/workflow-runs"


def _run_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(WorkflowRun)) or 0)


def test_same_trigger_key_twice_makes_one_run(service_actor: Actor, make_workflow: Make,
                                              current_version_id: VersionOf, engine: Engine) -> None:
    wf = make_workflow(THREE_STEPS)
    body = run_requests(wf["id"], current_version_id(wf), ["event:1", "event:2", "event:1"])
    first = service_actor.client.post(RUNS, json=body)
    assert first.status_code == 200, first.text
    a, b, a_again = first.json()
    assert a["created"] and b["created"] and not a_again["created"]
    assert a_again["run_id"] == a["run_id"] != b["run_id"]
    assert a["status"] == "pending" and a["skipped"] is None
    again = service_actor.client.post(RUNS, json=body).json()  # the same events delivered again
    assert [(r["run_id"], r["created"]) for r in again] == [(a["run_id"], False), (b["run_id"], False),
                                                              (a["run_id"], False)]
    assert _run_count(engine) == 2
    created = [(p["run_id"], p["trigger_kind"], p["event_id"], actor) for _, p, actor in
               events_of(engine, "workflow.run.created")]
    assert created == [(a["run_id"], "event", "1", service_actor.user.id),
                       (b["run_id"], "event", "2", service_actor.user.id)]
    run = service_actor.client.get(f"{RUNS}/{a['run_id']}").json()
    assert run["input"] == {"n": 0} and run["trigger_key"] == "event:1" and run["event_id"] == "1"
    assert run["definition"]["name"] == "three steps" and run["steps"] == []


def test_a_new_version_gets_its_own_run_for_the_same_event(team: Team, service_actor: Actor, make_workflow: Make,
                                                            current_version_id: VersionOf) -> None:
    wf = make_workflow(THREE_STEPS)
    v1 = current_version_id(wf)
    team.admin.client.put(f"{API}/projects/{team.project_id}/workflows/{wf['id']}",
                          json={"source": THREE_STEPS.replace("name: three steps", "name: three steps v2")})
    v2 = current_version_id(wf)
    assert v2 != v1
    runs = service_actor.client.post(RUNS, json={"runs": [*run_requests(wf["id"], v1, ["event:9"])["runs"],
                                                          *run_requests(wf["id"], v2, ["event:9"])["runs"]]}).json()
    assert [r["created"] for r in runs] == [True, True] and runs[0]["run_id"] != runs[1]["run_id"]


def test_filter_keeps_only_matching_files(app: FastAPI, team: Team, service_actor: Actor, make_workflow: Make,
                                          current_version_id: VersionOf, engine: Engine) -> None:
    wf = make_workflow(REVIEW_TEXTS)
    p = team.project_id
    text1, image, text2 = add_file(app, p, kind="text", text_length=5), add_file(app, p), add_file(
        app, p, kind="text", text_length=9)
    elsewhere = add_file(app, team.outsider.client.get(f"{API}/projects").json()["items"][0]["id"], kind="text")
    query = "file.type = 'text'"
    body = {"runs": [
        {**run_requests(wf["id"], current_version_id(wf), ["event:1"])["runs"][0],
         "filter": {"query": query, "file_ids": [text1, image, text2, elsewhere]}},
        {**run_requests(wf["id"], current_version_id(wf), ["event:2"])["runs"][0],
         "filter": {"query": query, "file_ids": [image]}},
        {**run_requests(wf["id"], current_version_id(wf), ["event:3"])["runs"][0],
         "filter": {"query": "file.type = 'image'", "file_ids": [image, text1]}},
    ]}
    matched, none, images = service_actor.client.post(RUNS, json=body).json()
    assert matched["created"] and matched["skipped"] is None
    assert none == {"run_id": None, "created": False, "status": None, "skipped": "filter"}
    run = service_actor.client.get(f"{RUNS}/{matched['run_id']}").json()
    assert run["input"] == {"n": 0, "file_ids": [text1, text2]}  # the other project's file never matches
    assert service_actor.client.get(f"{RUNS}/{images['run_id']}").json()["input"]["file_ids"] == [image]
    assert len(events_of(engine, "workflow.run.created")) == 2


def test_disabled_and_deleted_workflows_start_nothing(team: Team, service_actor: Actor, make_workflow: Make,
                                                      current_version_id: VersionOf, engine: Engine) -> None:
    wf = make_workflow(THREE_STEPS)
    version = current_version_id(wf)
    url = f"{API}/projects/{team.project_id}/workflows/{wf['id']}"
    earlier = service_actor.client.post(RUNS, json=run_requests(wf["id"], version, ["event:1"])).json()[0]
    team.admin.client.patch(url, json={"enabled": False})
    assert service_actor.client.get(f"{API}/service/workflows").json() == []
    results = service_actor.client.post(RUNS, json=run_requests(wf["id"], version, ["event:1", "event:2"])).json()
    assert results[0] == {"run_id": earlier["run_id"], "created": False, "status": "pending", "skipped": None}
    assert results[1] == {"run_id": None, "created": False, "status": None, "skipped": "disabled"}
    team.admin.client.delete(url)
    gone = service_actor.client.post(RUNS, json=run_requests(wf["id"], version, ["event:3"])).json()
    assert gone[0]["skipped"] == "disabled"
    assert _run_count(engine) == 0


def test_a_version_of_another_workflow_is_refused(service_actor: Actor, make_workflow: Make,
                                                  current_version_id: VersionOf, engine: Engine) -> None:
    one, two = make_workflow(THREE_STEPS), make_workflow(REVIEW_TEXTS)
    r = service_actor.client.post(RUNS, json=run_requests(one["id"], current_version_id(two), ["event:1"]))
    assert r.status_code == 422 and r.json()["error"]["fields"][0]["field"] == "body.runs.0.version_id"
    assert _run_count(engine) == 0


def test_service_lists_enabled_workflows_and_active_runs(team: Team, service_actor: Actor, make_workflow: Make,
                                                         current_version_id: VersionOf) -> None:
    wf = make_workflow(THREE_STEPS)
    make_workflow(REVIEW_TEXTS, enabled=False)
    listed = service_actor.client.get(f"{API}/service/workflows").json()
    assert [(w["workflow_id"], w["project_id"], w["name"], w["version"]) for w in listed] == [
        (wf["id"], team.project_id, "three steps", 1)]
    assert listed[0]["definition"] == wf["definition"]
    runs = service_actor.client.post(RUNS, json=run_requests(wf["id"], current_version_id(wf),
                                                             ["event:1", "event:2", "event:3"])).json()
    ids = [r["run_id"] for r in runs]
    service_actor.client.post(f"{RUNS}/report", json={"runs": [{"run_id": ids[0], "status": "running"},
                                                               {"run_id": ids[1], "status": "succeeded"}]})
    active = service_actor.client.get(RUNS).json()
    assert [(r["run_id"], r["status"]) for r in active] == [(ids[0], "running"), (ids[2], "pending")]
    page = service_actor.client.get(RUNS, params={"status": "pending,running", "after_id": ids[0], "limit": 1})
    assert [r["run_id"] for r in page.json()] == [ids[2]]
    done = service_actor.client.get(RUNS, params={"status": "succeeded"}).json()
    assert [(r["run_id"], r["workflow_id"], r["project_id"]) for r in done] == [(ids[1], wf["id"], team.project_id)]
    assert service_actor.client.get(RUNS, params={"status": "sleeping"}).status_code == 422
    assert service_actor.client.get(f"{RUNS}/999999").status_code == 404
