"""Step artifacts (reports a step produced) and progress reports of running steps."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine

from tests.conftest import Actor, Team
from tests.workflows_api.wfhelpers import API, THREE_STEPS, events_of, run_requests

Make = Callable[..., dict[str, Any]]
REPORT = f"{API}/service/workflow-runs/report"
HTML = b"<html><body><script>document.body.append('chart')</script></body></html>"


@pytest.fixture
def run_id(service_actor: Actor, make_workflow: Make, current_version_id: Callable[[dict[str, Any]], int]) -> int:
    wf = make_workflow(THREE_STEPS)
    created = service_actor.client.post(f"{API}/service/workflow-runs",
                                        json=run_requests(wf["id"], current_version_id(wf), ["event:1"]))
    return int(created.json()[0]["run_id"])


def _upload(actor: Actor, run_id: int, step: str, name: str, data: bytes, media_type: str) -> Any:
    return actor.client.put(f"{API}/service/workflow-runs/{run_id}/artifacts/{step}/{name}",
                            files={"file": (name, data, media_type)})


def test_the_service_stores_artifacts_and_members_read_them(team: Team, service_actor: Actor, run_id: int) -> None:
    r = _upload(service_actor, run_id, "first", "report.html", HTML, "text/html")
    assert r.status_code == 200, r.text
    html = r.json()
    assert (html["name"], html["step_key"], html["media_type"], html["size_bytes"]) == (
        "report.html", "first", "text/html", len(HTML))
    assert html["sha256"] == hashlib.sha256(HTML).hexdigest()
    assert _upload(service_actor, run_id, "first", "result.json", b'{"passed": false}', "application/json"
                   ).status_code == 200
    base = f"{API}/projects/{team.project_id}/workflow-runs/{run_id}/artifacts"
    listed = team.viewer.client.get(base).json()
    assert [(a["step_key"], a["name"]) for a in listed] == [("first", "report.html"), ("first", "result.json")]
    content = team.viewer.client.get(html["content_url"])
    assert content.status_code == 200 and content.content == HTML
    assert content.headers["content-type"].startswith("text/html")
    # the report's scripts run, but sandboxed: an opaque origin without the viewer's session
    policy = content.headers["content-security-policy"]
    assert "sandbox allow-scripts" in policy and "allow-same-origin" not in policy
    assert content.headers["x-content-type-options"] == "nosniff"
    again = team.viewer.client.get(html["content_url"], headers={"if-none-match": content.headers["etag"]})
    assert again.status_code == 304
    as_json = team.editor.client.get(f"{base}/{listed[1]['id']}/content")
    assert as_json.json() == {"passed": False}
    assert "allow-scripts" not in as_json.headers["content-security-policy"]
    assert team.viewer.client.get(f"{base}/{html['id']}").json() == html


def test_a_retried_upload_replaces_the_artifact(team: Team, service_actor: Actor, run_id: int) -> None:
    first = _upload(service_actor, run_id, "first", "metrics.json", b'{"a": 1}', "application/json").json()
    second = _upload(service_actor, run_id, "first", "metrics.json", b'{"a": 2}', "application/json").json()
    assert second["id"] == first["id"] and second["sha256"] != first["sha256"]
    base = f"{API}/projects/{team.project_id}/workflow-runs/{run_id}/artifacts"
    assert len(team.admin.client.get(base).json()) == 1
    assert team.admin.client.get(second["content_url"]).json() == {"a": 2}


def test_who_may_upload_and_read(team: Team, service_actor: Actor, run_id: int) -> None:
    art = _upload(service_actor, run_id, "first", "r.json", b"{}", "application/json").json()
    # people cannot upload, not even admins
    assert _upload(team.admin, run_id, "first", "x.json", b"{}", "application/json").status_code == 403
    base = f"{API}/projects/{team.project_id}/workflow-runs/{run_id}/artifacts"
    for actor in (team.annotator, team.outsider):  # workflows are not shown to annotators or outsiders
        assert actor.client.get(base).status_code == 404
        assert actor.client.get(art["content_url"]).status_code == 404
    other = team.outsider.client.get(f"{API}/projects").json()["items"][0]["id"]
    assert team.outsider.client.get(f"{API}/projects/{other}/workflow-runs/{run_id}/artifacts").status_code == 404


def test_bad_names_and_unknown_runs(service_actor: Actor, run_id: int) -> None:
    r = _upload(service_actor, run_id, "first", ".hidden", b"{}", "application/json")
    assert r.status_code == 422 and r.json()["error"]["fields"][0]["field"] == "path.name"
    assert _upload(service_actor, 987654, "first", "r.json", b"{}", "application/json").status_code == 404
    guessed = _upload(service_actor, run_id, "first", "page.html", HTML, "application/octet-stream").json()
    assert guessed["media_type"] == "text/html"


def test_progress_reports_grow_the_log_of_a_running_step_only(team: Team, service_actor: Actor, run_id: int,
                                                              engine: Engine) -> None:
    s = service_actor

    def report(**step: Any) -> dict[str, Any]:
        r = s.client.post(REPORT, json={"steps": [{"run_id": run_id, "key": "first", **step}]})
        assert r.status_code == 200, r.text
        return dict(r.json()["steps"][0])

    assert report(status="queued")["status"] == "queued"
    assert report(log="too early\n")["status"] == "queued"  # not running yet: nothing changes
    assert report(status="running", log="start\n")["attempts"] == 1
    for epoch in (1, 2):
        out = report(log=f"epoch {epoch}\n", summary=f"epoch {epoch}/2")
        assert (out["status"], out["attempts"]) == ("running", 1)  # no transition, no attempt
    step = team.viewer.client.get(f"{API}/projects/{team.project_id}/workflow-runs/{run_id}").json()["steps"][0]
    assert step["logs"] == "start\nepoch 1\nepoch 2\n" and step["summary"] == "epoch 2/2"
    assert step["status"] == "running" and step["attempts"] == 1
    report(status="succeeded", log="done\n")
    assert report(log="late\n")["status"] == "succeeded"
    step = team.viewer.client.get(f"{API}/projects/{team.project_id}/workflow-runs/{run_id}").json()["steps"][0]
    assert step["logs"] == "start\nepoch 1\nepoch 2\ndone\n"
    assert [t for t, _, _ in events_of(engine, "workflow.step.")] == ["workflow.step.started",
                                                                      "workflow.step.succeeded"]
    missing = s.client.post(REPORT, json={"steps": [{"run_id": run_id, "key": "nope", "log": "x"}]}).json()
    assert missing["steps"][0]["status"] == "pending" and missing["steps"][0]["created"] is False
    steps = team.viewer.client.get(f"{API}/projects/{team.project_id}/workflow-runs/{run_id}").json()["steps"]
    assert [s["key"] for s in steps] == ["first"]  # a progress report never creates a step
