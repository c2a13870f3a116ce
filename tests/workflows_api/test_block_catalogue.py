"""The block catalogue: registered by the workflow service, read by everyone, used to validate definitions."""

from __future__ import annotations

from typing import Any

from tests.conftest import Actor, Team
from tests.workflows_api.wfhelpers import API, BLOCKS, THREE_STEPS


def test_register_lists_sorted_with_defaults(team: Team, service_actor: Actor) -> None:
    r = service_actor.client.put(f"{API}/blocks", json={"blocks": [{"slug": "zeta"}, BLOCKS[0]]})
    assert r.status_code == 200, r.text
    assert [b["slug"] for b in r.json()] == ["route", "zeta"]
    zeta = team.viewer.client.get(f"{API}/blocks").json()[1]
    assert {k: v for k, v in zeta.items() if k != "updated_at"} == {
        "slug": "zeta", "title": "", "description": "", "version": "", "plugin": "builtin", "config_schema": {},
        "inputs": [{"name": "input", "type": "any", "many": False}],
        "outputs": [{"name": "out", "type": "any", "many": False}], "queue": "cpu", "error": None}


def test_upsert_by_slug_and_replace(team: Team, service_actor: Actor, catalogue: list[dict[str, Any]]) -> None:
    put = service_actor.client.put
    changed = {**BLOCKS[3], "version": "2", "queue": "gpu"}
    after = put(f"{API}/blocks", json={"blocks": [changed]}).json()
    assert [b["slug"] for b in after] == sorted(b["slug"] for b in BLOCKS)  # the others stay
    noop = next(b for b in after if b["slug"] == "noop")
    assert (noop["version"], noop["queue"]) == ("2", "gpu")
    only = put(f"{API}/blocks", json={"blocks": [changed], "replace": True}).json()
    assert [b["slug"] for b in only] == ["noop"]
    assert [b["slug"] for b in put(f"{API}/blocks", json={"blocks": [], "replace": True}).json()] == []


def test_a_broken_plugin_is_listed_but_not_usable(team: Team, catalogue: list[dict[str, Any]]) -> None:
    broken = next(b for b in catalogue if b["slug"] == "zero_shot")
    assert broken["error"].startswith("ModuleNotFoundError") and broken["plugin"] == "acme-blocks"
    source = THREE_STEPS.replace("a: {use: noop}", "a: {use: zero_shot}")
    r = team.admin.client.post(f"{API}/projects/{team.project_id}/workflows", json={"source": source})
    assert r.status_code == 422 and "unknown block 'zero_shot'" in r.json()["errors"][0]["message"]


def test_ports_and_schemas_decide_what_validates(team: Team, service_actor: Actor,
                                                 catalogue: list[dict[str, Any]]) -> None:
    wired = THREE_STEPS.replace("b: {use: noop}", "b: {use: human_task}")
    url = f"{API}/projects/{team.project_id}/workflows/validate"
    assert team.admin.client.post(url, json={"source": wired}).status_code == 200  # noop's output is `any`
    typed = {**BLOCKS[3], "outputs": [{"name": "out", "type": "model"}]}
    service_actor.client.put(f"{API}/blocks", json={"blocks": [typed]})
    r = team.admin.client.post(url, json={"source": wired})
    assert r.status_code == 422 and "takes files, got model" in r.json()["errors"][0]["message"]


def test_bad_registrations_are_refused(service_actor: Actor) -> None:
    put = service_actor.client.put
    twice = put(f"{API}/blocks", json={"blocks": [{"slug": "a"}, {"slug": "a"}]})
    assert twice.status_code == 422 and twice.json()["error"]["fields"][0]["field"] == "body.blocks.1.slug"
    assert put(f"{API}/blocks", json={"blocks": [{"slug": "has space"}]}).status_code == 422
    assert put(f"{API}/blocks", json={"blocks": [{"slug": "a", "inputs": [{"type": "files"}]}]}).status_code == 422
    assert service_actor.client.get(f"{API}/blocks").json() == []
