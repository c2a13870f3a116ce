"""Who may do what: viewers read, editors run and cancel, admins define; annotators and outsiders get 404;
people get 403 on the service endpoints, and service accounts act as editors (they may not define workflows)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from tests.conftest import Actor, Team
from tests.workflows_api.wfhelpers import API, BLOCKS, THREE_STEPS

_unique = itertools.count()


@dataclass
class World:
    p: int
    workflow_id: int
    run_id: int
    admin: TestClient

    def spare(self) -> int:
        """A fresh workflow (made by the admin) to delete."""
        return int(self.admin.post(self.base, json={"source": _source()}).json()["id"])

    @property
    def base(self) -> str:
        return f"{API}/projects/{self.p}/workflows"

    @property
    def wf(self) -> str:
        return f"{self.base}/{self.workflow_id}"


@pytest.fixture
def world(team: Team, make_workflow: Callable[..., dict[str, Any]]) -> World:
    wf = make_workflow(THREE_STEPS)
    run = team.admin.client.post(f"{API}/projects/{team.project_id}/workflows/{wf['id']}/runs", json={})
    return World(p=team.project_id, workflow_id=wf["id"], run_id=run.json()["id"], admin=team.admin.client)


def _source() -> str:
    return THREE_STEPS.replace("name: three steps", f"name: wf {next(_unique)}")


Call = Callable[[TestClient, World], Response]
MATRIX: list[tuple[str, str, Call]] = [
    ("list", "AEV", lambda c, w: c.get(w.base)),
    ("read", "AEV", lambda c, w: c.get(w.wf)),
    ("versions", "AEV", lambda c, w: c.get(f"{w.wf}/versions")),
    ("version", "AEV", lambda c, w: c.get(f"{w.wf}/versions/1")),
    ("diff", "AEV", lambda c, w: c.get(f"{w.wf}/diff", params={"from": 1, "to": 1})),
    ("validate", "AEV", lambda c, w: c.post(f"{w.base}/validate", json={"source": THREE_STEPS})),
    ("runs", "AEV", lambda c, w: c.get(f"{w.wf}/runs")),
    ("stats", "AEV", lambda c, w: c.get(f"{w.wf}/stats")),
    ("run detail", "AEV", lambda c, w: c.get(f"{API}/projects/{w.p}/workflow-runs/{w.run_id}")),
    ("trigger", "AE", lambda c, w: c.post(f"{w.wf}/runs", json={})),
    ("cancel", "AE", lambda c, w: c.post(f"{API}/projects/{w.p}/workflow-runs/{w.run_id}/cancel")),
    ("create", "A", lambda c, w: c.post(w.base, json={"source": _source()})),
    ("update", "A", lambda c, w: c.put(w.wf, json={"source": _source()})),
    ("enable", "A", lambda c, w: c.patch(w.wf, json={"enabled": True})),
    ("delete", "A", lambda c, w: c.delete(f"{w.base}/{w.spare()}")),
]


@pytest.mark.parametrize(("action", "allowed", "call"), MATRIX, ids=[m[0] for m in MATRIX])
def test_workflow_role_matrix(team: Team, world: World, service_actor: Actor, action: str, allowed: str,
                              call: Call) -> None:
    for role, letter in (("admin", "A"), ("editor", "E"), ("viewer", "V")):
        res = call(team.by_role(role).client, world)
        if letter in allowed:
            assert res.status_code < 400, (action, role, res.status_code, res.text[:300])
        else:
            assert res.status_code == 403, (action, role, res.status_code, res.text[:300])
    for who in (team.annotator, team.outsider):
        res = call(who.client, world)
        assert res.status_code == 404, (action, who.user.email, res.status_code, res.text[:300])
    res = call(service_actor.client, world)  # a service account is an editor everywhere
    assert (res.status_code < 400) == ("E" in allowed), (action, "service", res.status_code, res.text[:300])


SERVICE_CALLS: list[tuple[str, Call]] = [
    ("register blocks", lambda c, w: c.put(f"{API}/blocks", json={"blocks": BLOCKS})),
    ("enabled workflows", lambda c, w: c.get(f"{API}/service/workflows")),
    ("create runs", lambda c, w: c.post(f"{API}/service/workflow-runs", json={"runs": []})),
    ("report", lambda c, w: c.post(f"{API}/service/workflow-runs/report", json={"runs": [{"run_id": w.run_id}]})),
    ("read run", lambda c, w: c.get(f"{API}/service/workflow-runs/{w.run_id}")),
    ("active runs", lambda c, w: c.get(f"{API}/service/workflow-runs")),
]


@pytest.mark.parametrize(("action", "call"), SERVICE_CALLS, ids=[s[0] for s in SERVICE_CALLS])
def test_service_endpoints_refuse_people(team: Team, world: World, service_actor: Actor,
                                         make_user: Callable[..., Actor], action: str, call: Call) -> None:
    root = make_user("root@example.com", superuser=True)
    for person in (team.admin, team.viewer, team.outsider, root):
        res = call(person.client, world)
        assert res.status_code == 403 and res.json()["error"]["code"] == "forbidden", (action, res.text[:300])
    assert call(service_actor.client, world).status_code == 200


def test_the_catalogue_is_readable_by_anyone_signed_in(team: Team, catalogue: list[dict[str, Any]],
                                                       client: TestClient) -> None:
    assert [b["slug"] for b in team.annotator.client.get(f"{API}/blocks").json()] == [b["slug"] for b in catalogue]
    assert client.get(f"{API}/blocks").status_code == 401
