"""The batched state report: created steps, final terminal states, attempts, timestamps, logs, events."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine

from backend.events.catalogue import CATALOGUE
from tests.conftest import Actor, Team
from tests.workflows_api.wfhelpers import API, THREE_STEPS, events_of, run_requests

Make = Callable[..., dict[str, Any]]
REPORT = f"{API}/service/workflow-runs/report"


@pytest.fixture
def run_id(service_actor: Actor, make_workflow: Make, current_version_id: Callable[[dict[str, Any]], int]) -> int:
    wf = make_workflow(THREE_STEPS)
    created = service_actor.client.post(f"{API}/service/workflow-runs",
                                        json=run_requests(wf["id"], current_version_id(wf), ["event:1"]))
    return int(created.json()[0]["run_id"])


def _report(actor: Actor, **body: Any) -> dict[str, Any]:
    r = actor.client.post(REPORT, json=body)
    assert r.status_code == 200, r.text
    return dict(r.json())


def _step(key: str, run: int, status: str, **extra: Any) -> dict[str, Any]:
    return {"run_id": run, "key": key, "status": status, **extra}


def _detail(team: Team, run: int) -> dict[str, Any]:
    return dict(team.viewer.client.get(f"{API}/projects/{team.project_id}/workflow-runs/{run}").json())


def test_a_run_from_start_to_finish(team: Team, service_actor: Actor, run_id: int, engine: Engine) -> None:
    s = service_actor
    out = _report(s, runs=[{"run_id": run_id, "status": "running"}],
                  steps=[_step("first", run_id, "queued", instance="a", block="noop", queue="cpu")])
    assert out == {"runs": [{"run_id": run_id, "status": "running", "cancel_requested": False}],
                   "steps": [{"run_id": run_id, "key": "first", "status": "queued", "attempts": 0, "created": True}]}
    out = _report(s, steps=[_step("first", run_id, "running", log="start\n")])
    assert out["steps"] == [{"run_id": run_id, "key": "first", "status": "running", "attempts": 1,
                             "created": False}]
    _report(s, steps=[_step("first", run_id, "succeeded", output={"ports": {"out": [1, 2]}}, summary="2 files",
                            items=2, log="done\n"),
                      _step("second", run_id, "running", instance="b", block="noop", queue="cpu")])
    _report(s, steps=[_step("second", run_id, "succeeded"), _step("out", run_id, "skipped", summary="no input")],
            runs=[{"run_id": run_id, "status": "succeeded", "items": 2}])
    run = _detail(team, run_id)
    assert run["status"] == "succeeded" and run["items"] == 2 and run["error"] is None
    assert run["started_at"] and run["finished_at"] and run["duration_s"] >= 0
    first, second, last = run["steps"]
    assert (first["key"], first["instance"], first["block"], first["queue"]) == ("first", "a", "noop", "cpu")
    assert first["status"] == "succeeded" and first["attempts"] == 1 and first["items"] == 2
    assert first["output"] == {"ports": {"out": [1, 2]}} and first["summary"] == "2 files"
    assert first["logs"] == "start\ndone\n"
    assert first["queued_at"] <= first["started_at"] <= first["finished_at"]
    assert second["status"] == "succeeded" and second["started_at"] and second["queued_at"] is None
    assert last["status"] == "skipped" and last["attempts"] == 0 and last["finished_at"]
    types = [t for t, _, _ in events_of(engine, "workflow.")]
    assert types == ["workflow.created", "workflow.run.created", "workflow.run.started", "workflow.step.started",
                     "workflow.step.succeeded", "workflow.step.started", "workflow.step.succeeded",
                     "workflow.step.skipped", "workflow.run.succeeded"]
    for type_, payload, _ in events_of(engine, "workflow."):
        CATALOGUE[type_].payload.model_validate(payload)
        assert "output" not in payload
    step_done = next(p for t, p, _ in events_of(engine, "workflow.step.succeeded"))
    assert step_done == {"run_id": run_id, "workflow_id": run["workflow_id"], "version": 1, "key": "first",
                         "instance": "a", "block": "noop", "status": "succeeded", "attempts": 1,
                         "summary": "2 files", "error": None}


def test_terminal_states_are_final(team: Team, service_actor: Actor, run_id: int, engine: Engine) -> None:
    s = service_actor
    _report(s, steps=[_step("first", run_id, "failed", error="boom")])
    again = _report(s, steps=[_step("first", run_id, "running"), _step("first", run_id, "succeeded")],
                    runs=[{"run_id": run_id, "status": "failed", "error": "step 'first' failed"}])
    assert [(x["status"], x["attempts"]) for x in again["steps"]] == [("failed", 0), ("failed", 0)]
    late = _report(s, runs=[{"run_id": run_id, "status": "succeeded", "error": "ignored"}])
    assert late["runs"] == [{"run_id": run_id, "status": "failed", "cancel_requested": False}]
    run = _detail(team, run_id)
    assert run["status"] == "failed" and run["error"] == "step 'first' failed"
    assert run["steps"][0]["error"] == "boom"
    assert [t for t, _, _ in events_of(engine, "workflow.run.")][1:] == ["workflow.run.failed"]
    assert len(events_of(engine, "workflow.step.")) == 1


def test_attempts_count_every_running_report(service_actor: Actor, run_id: int) -> None:
    s = service_actor
    statuses = ["queued", "running", "queued", "running", "running"]
    answers = [_report(s, steps=[_step("first", run_id, st)])["steps"][0]["attempts"] for st in statuses]
    assert answers == [0, 1, 1, 2, 3]


def test_a_waiting_step_does_not_start_again(service_actor: Actor, run_id: int, engine: Engine) -> None:
    s = service_actor
    _report(s, steps=[_step("first", run_id, "running"), _step("first", run_id, "waiting", summary="3 task(s)")])
    late = _report(s, steps=[_step("first", run_id, "running"), _step("first", run_id, "queued")])
    assert [(x["status"], x["attempts"]) for x in late["steps"]] == [("waiting", 1), ("waiting", 1)]
    done = _report(s, steps=[_step("first", run_id, "succeeded")])
    assert done["steps"][0]["status"] == "succeeded"
    assert [t for t, _, _ in events_of(engine, "workflow.step.")] == [
        "workflow.step.started", "workflow.step.waiting", "workflow.step.succeeded"]


def test_logs_keep_the_last_64_kib(team: Team, service_actor: Actor, run_id: int) -> None:
    s = service_actor
    chunk = "x" * 1000 + "\n"
    for i in range(70):
        _report(s, steps=[_step("first", run_id, "running", log=f"{i:04d}" + chunk)])
    logs = _detail(team, run_id)["steps"][0]["logs"]
    assert len(logs.encode()) == 64 * 1024
    assert logs.endswith("0069" + chunk) and "0000" not in logs
    short = team.viewer.client.get(f"{API}/projects/{team.project_id}/workflow-runs/{run_id}",
                                   params={"log_tail": 10}).json()
    assert short["steps"][0]["logs"] == chunk[-10:]
    _report(s, steps=[_step("first", run_id, "running", log="é" * 40000)])  # multi-byte: no half character
    assert _detail(team, run_id)["steps"][0]["logs"] == "é" * (64 * 1024 // 2)


def test_unknown_runs_tell_the_service_to_stop(service_actor: Actor, run_id: int) -> None:
    out = _report(service_actor, runs=[{"run_id": 987654}], steps=[_step("first", 987654, "running")])
    assert out == {"runs": [{"run_id": 987654, "status": None, "cancel_requested": True}],
                   "steps": [{"run_id": 987654, "key": "first", "status": None, "attempts": 0, "created": False}]}


def test_one_batch_many_runs(team: Team, service_actor: Actor, make_workflow: Make,
                             current_version_id: Callable[[dict[str, Any]], int], engine: Engine) -> None:
    wf = make_workflow(THREE_STEPS)
    keys = [f"event:{i}" for i in range(50)]
    runs = service_actor.client.post(f"{API}/service/workflow-runs",
                                     json=run_requests(wf["id"], current_version_id(wf), keys)).json()
    ids = [r["run_id"] for r in runs]
    steps = [_step(k, i, "running", instance=k, block="noop") for i in ids for k in ("first", "second")]
    out = _report(service_actor, runs=[{"run_id": i, "status": "running"} for i in ids], steps=steps)
    assert [(x["run_id"], x["key"], x["created"], x["attempts"]) for x in out["steps"]] == [
        (i, k, True, 1) for i in ids for k in ("first", "second")]
    done = _report(service_actor, runs=[{"run_id": i, "status": "succeeded"} for i in ids],
                   steps=[_step(k, i, "succeeded") for i in ids for k in ("first", "second")])
    assert {x["status"] for x in done["runs"]} == {"succeeded"} and {x["status"] for x in done["steps"]} == {
        "succeeded"}
    assert len(events_of(engine, "workflow.step.succeeded")) == 100
    assert len(events_of(engine, "workflow.run.succeeded")) == 50


def test_a_cancelled_run_keeps_its_steps_from_starting(team: Team, service_actor: Actor, run_id: int) -> None:
    _report(service_actor, runs=[{"run_id": run_id, "status": "running"}],
            steps=[_step("first", run_id, "running")])
    cancelled = team.editor.client.post(f"{API}/projects/{team.project_id}/workflow-runs/{run_id}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    out = _report(service_actor, runs=[{"run_id": run_id}],
                  steps=[_step("first", run_id, "succeeded"), _step("second", run_id, "queued")])
    assert out["runs"] == [{"run_id": run_id, "status": "cancelled", "cancel_requested": True}]
    assert [(x["key"], x["status"], x["created"]) for x in out["steps"]] == [
        ("first", "cancelled", False), ("second", "cancelled", True)]
