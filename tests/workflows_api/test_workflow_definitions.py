"""Definitions: create, read, list, new versions, versions and diffs, enable/disable, delete, events."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine

from tests.conftest import Team
from tests.workflows_api.wfhelpers import API, REVIEW_TEXTS, THREE_STEPS, events_of

Make = Callable[..., dict[str, Any]]


def test_create_stores_version_one_exactly_as_submitted(team: Team, make_workflow: Make, engine: Engine) -> None:
    source = "\n\n" + REVIEW_TEXTS + "   \n"  # leading blank lines and trailing spaces are kept
    wf = make_workflow(source)
    assert wf["name"] == "review texts"
    assert wf["description"] == "route texts, review them, export"
    assert wf["enabled"] is True and wf["current_version"] == 1
    assert wf["source"] == source and wf["format"] == "yaml"
    assert wf["triggers"] == [{"event": "file.created", "filter": "file.type = 'text'"}, {"manual": True}]
    assert wf["definition"]["blocks"]["review"] == {"use": "human_task", "with": {"kind": "review"}}
    assert wf["definition"]["workflow"]["out"] == ["dump", "reviewed"]
    assert wf["last_run"] is None
    got = team.viewer.client.get(f"{API}/projects/{team.project_id}/workflows/{wf['id']}").json()
    assert got == wf
    assert [(t, p["workflow_id"], p["version"]) for t, p, _ in events_of(engine, "workflow.")] == [
        ("workflow.created", wf["id"], 1)]


def test_json_sources_are_detected_and_kept(make_workflow: Make) -> None:
    doc = {"name": "as json", "on": [{"manual": True}], "blocks": {"n": {"use": "noop"}},
           "workflow": {"out": ["n", "in"]}}
    wf = make_workflow(json.dumps(doc, indent=2))
    assert wf["format"] == "json"
    assert wf["definition"]["name"] == "as json"


def test_list_shows_triggers_and_pages(team: Team, make_workflow: Make) -> None:
    first = make_workflow(REVIEW_TEXTS)
    second = make_workflow(THREE_STEPS, enabled=False)
    base = f"{API}/projects/{team.project_id}/workflows"
    page = team.editor.client.get(base, params={"limit": 1}).json()
    assert [w["id"] for w in page["items"]] == [first["id"]]
    rest = team.editor.client.get(base, params={"limit": 1, "cursor": page["next_cursor"]}).json()
    assert [(w["id"], w["enabled"], w["triggers"]) for w in rest["items"]] == [
        (second["id"], False, [{"event": "file.created"}, {"manual": True}])]
    assert rest["next_cursor"] is None


def test_update_makes_a_new_version_and_identical_source_does_not(team: Team, make_workflow: Make,
                                                                  engine: Engine) -> None:
    wf = make_workflow(REVIEW_TEXTS)
    url = f"{API}/projects/{team.project_id}/workflows/{wf['id']}"
    changed = REVIEW_TEXTS.replace("kind: review", "kind: annotate")
    r = team.admin.client.put(url, json={"source": changed, "format": "yaml"})
    assert r.status_code == 200, r.text
    assert r.json()["current_version"] == 2 and r.json()["source"] == changed
    again = team.admin.client.put(url, json={"source": changed})
    assert again.json()["current_version"] == 2
    versions = team.viewer.client.get(f"{url}/versions").json()
    assert [(v["number"], v["format"], v["created_by_id"]) for v in versions] == [
        (2, "yaml", team.admin.user.id), (1, "yaml", team.admin.user.id)]
    v1 = team.viewer.client.get(f"{url}/versions/1").json()
    assert v1["source"] == REVIEW_TEXTS and v1["definition"]["blocks"]["review"]["with"] == {"kind": "review"}
    assert team.viewer.client.get(f"{url}/versions/3").status_code == 404
    updates = [p for t, p, _ in events_of(engine, "workflow.updated")]
    assert updates == [{"workflow_id": wf["id"], "name": "review texts", "version": 2, "enabled": True,
                        "changed": ["definition"]}]


def test_diff_between_versions(team: Team, make_workflow: Make) -> None:
    wf = make_workflow(REVIEW_TEXTS)
    url = f"{API}/projects/{team.project_id}/workflows/{wf['id']}"
    team.admin.client.put(url, json={"source": REVIEW_TEXTS.replace("kind: review", "kind: annotate")})
    d = team.viewer.client.get(f"{url}/diff", params={"from": 1, "to": 2}).json()
    assert d["from"] == 1 and d["to"] == 2
    lines = d["diff"].splitlines()
    assert lines[:2] == ["--- v1", "+++ v2"]
    assert "-  review: {use: human_task, with: {kind: review}}" in lines
    assert "+  review: {use: human_task, with: {kind: annotate}}" in lines
    same = team.viewer.client.get(f"{url}/diff", params={"from": 2, "to": 2}).json()
    assert same["diff"] == ""
    missing = team.viewer.client.get(f"{url}/diff", params={"from": 1, "to": 9})
    assert missing.status_code == 404 and missing.json()["error"]["fields"][0]["field"] == "query.to"


def test_rename_through_a_new_version_checks_the_name(team: Team, make_workflow: Make) -> None:
    wf = make_workflow(REVIEW_TEXTS)
    make_workflow(THREE_STEPS)
    url = f"{API}/projects/{team.project_id}/workflows/{wf['id']}"
    taken = team.admin.client.put(url, json={"source": REVIEW_TEXTS.replace("review texts", "three steps")})
    assert taken.status_code == 409
    renamed = team.admin.client.put(url, json={"source": REVIEW_TEXTS.replace("review texts", "texts v2")})
    assert renamed.json()["name"] == "texts v2" and renamed.json()["current_version"] == 2


def test_name_is_unique_per_project(team: Team, make_workflow: Make) -> None:
    make_workflow(REVIEW_TEXTS)
    r = team.admin.client.post(f"{API}/projects/{team.project_id}/workflows", json={"source": REVIEW_TEXTS})
    assert r.status_code == 409 and "review texts" in r.json()["error"]["message"]
    other = team.outsider.client.get(f"{API}/projects").json()["items"][0]["id"]
    # the same name in another project is fine (the outsider is admin of their own project)
    r = team.outsider.client.post(f"{API}/projects/{other}/workflows", json={"source": REVIEW_TEXTS})
    assert r.status_code == 201, r.text


def test_enable_and_disable(team: Team, make_workflow: Make, engine: Engine) -> None:
    wf = make_workflow(REVIEW_TEXTS)
    url = f"{API}/projects/{team.project_id}/workflows/{wf['id']}"
    off = team.admin.client.patch(url, json={"enabled": False})
    assert off.status_code == 200 and off.json()["enabled"] is False
    assert team.admin.client.patch(url, json={"enabled": False}).json()["enabled"] is False  # no change, no event
    assert team.admin.client.patch(url, json={"enabled": True}).json()["enabled"] is True
    changes = [(p["enabled"], p["changed"]) for _, p, _ in events_of(engine, "workflow.updated")]
    assert changes == [(False, ["enabled"]), (True, ["enabled"])]


def test_canvas_layout_is_kept_without_making_versions(team: Team, make_workflow: Make, engine: Engine) -> None:
    wf = make_workflow(REVIEW_TEXTS)
    assert wf["layout"] == {}
    url = f"{API}/projects/{team.project_id}/workflows/{wf['id']}"
    moved = {"reviewed": {"x": 250.5, "y": -130.0}, "out": {"x": 500.0, "y": 0.0}}
    r = team.admin.client.patch(url, json={"layout": moved})
    assert r.status_code == 200, r.text
    assert r.json()["layout"] == moved and r.json()["current_version"] == 1 and r.json()["enabled"] is True
    # saving the same source with a layout stores the layout and still makes no version
    again = {"out": {"x": 1.0, "y": 2.0}}
    r = team.admin.client.put(url, json={"source": REVIEW_TEXTS, "layout": again})
    assert r.status_code == 200 and r.json()["current_version"] == 1
    assert team.viewer.client.get(url).json()["layout"] == again
    # a new source without a layout keeps the stored one
    changed = REVIEW_TEXTS.replace("kind: review", "kind: annotate")
    r = team.admin.client.put(url, json={"source": changed})
    assert r.json()["current_version"] == 2 and r.json()["layout"] == again
    assert events_of(engine, "workflow.updated")[-1][1]["changed"] == ["definition"]


def test_bad_layouts_are_refused_and_change_nothing(team: Team, make_workflow: Make) -> None:
    wf = make_workflow(REVIEW_TEXTS)
    url = f"{API}/projects/{team.project_id}/workflows/{wf['id']}"
    for body, field in [({"layout": {"out": {"x": 1}}}, "y"),
                        ({"layout": {"out": {"x": "left", "y": 0}}}, "x"),
                        ({"layout": {"out": {"x": 1e300, "y": 0}}}, "x"),
                        ({"layout": {"": {"x": 0, "y": 0}}}, "layout"),
                        ({}, "body")]:
        r = team.admin.client.patch(url, json=body)
        assert r.status_code == 422, (body, r.text)
        assert field in json.dumps(r.json()), (body, r.json())
    assert team.editor.client.patch(url, json={"layout": {"out": {"x": 0, "y": 0}}}).status_code == 403
    assert team.admin.client.get(url).json()["layout"] == {}


def test_delete_removes_versions_and_runs(team: Team, make_workflow: Make, engine: Engine) -> None:
    wf = make_workflow(REVIEW_TEXTS)
    url = f"{API}/projects/{team.project_id}/workflows/{wf['id']}"
    run = team.editor.client.post(f"{url}/runs", json={}).json()
    assert team.admin.client.delete(url).status_code == 204
    assert team.admin.client.get(url).status_code == 404
    assert team.admin.client.get(f"{url}/versions").status_code == 404
    assert team.admin.client.get(f"{API}/projects/{team.project_id}/workflow-runs/{run['id']}").status_code == 404
    assert team.admin.client.delete(url).status_code == 404
    deleted = [p for t, p, _ in events_of(engine, "workflow.deleted")]
    assert deleted == [{"workflow_id": wf["id"], "name": "review texts", "version": 1, "enabled": True}]


def test_validate_answers_the_values_in_dependency_order(team: Team, catalogue: list[dict[str, Any]]) -> None:
    r = team.viewer.client.post(f"{API}/projects/{team.project_id}/workflows/validate",
                                json={"source": THREE_STEPS, "format": None})
    assert r.status_code == 200, r.text
    assert r.json() == {"valid": True, "name": "three steps", "values": ["first", "second", "out"]}
    listed = team.viewer.client.get(f"{API}/projects/{team.project_id}/workflows").json()
    assert listed["items"] == []  # nothing stored
