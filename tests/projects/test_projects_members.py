"""Projects and members: creators become admins, roles are managed by admins, one admin always remains."""

from __future__ import annotations

from collections.abc import Callable

from tests.conftest import Actor, Team


def test_creator_becomes_admin_and_sees_only_own_projects(make_user: Callable[..., Actor]) -> None:
    ann, bob = make_user("ann@example.com"), make_user("bob@example.com")
    p = ann.client.post("/api/v1/projects", json={"name": "Street Scenes!"}).json()
    assert p["slug"] == "street-scenes" and p["role"] == "admin"
    bob.client.post("/api/v1/projects", json={"name": "Street Scenes!"})
    assert [x["name"] for x in ann.client.get("/api/v1/projects").json()["items"]] == ["Street Scenes!"]
    assert bob.client.get("/api/v1/projects").json()["items"][0]["slug"] == "street-scenes-2"
    taken = bob.client.post("/api/v1/projects", json={"name": "x", "slug": "street-scenes"})
    assert taken.status_code == 409 and taken.json()["error"]["fields"][0]["field"] == "body.slug"
    bad = bob.client.post("/api/v1/projects", json={"name": "x", "slug": "Not A Slug"})
    assert bad.status_code == 422 and bad.json()["error"]["fields"][0]["field"] == "body.slug"


def test_admin_manages_members_and_last_admin_stays(team: Team, make_user: Callable[..., Actor]) -> None:
    base = f"/api/v1/projects/{team.project_id}/members"
    make_user("new@example.com")
    assert team.editor.client.post(base, json={"email": "new@example.com", "role": "viewer"}).status_code == 403
    added = team.admin.client.post(base, json={"email": "new@example.com", "role": "viewer"})
    assert added.status_code == 201
    again = team.admin.client.post(base, json={"email": "new@example.com", "role": "viewer"})
    assert again.status_code == 409
    ghost = team.admin.client.post(base, json={"email": "ghost@example.com", "role": "viewer"})
    assert ghost.status_code == 404 and ghost.json()["error"]["fields"][0]["field"] == "body.email"
    bad_role = team.admin.client.post(base, json={"email": "new@example.com", "role": "owner"})
    assert bad_role.status_code == 422 and bad_role.json()["error"]["fields"][0]["field"] == "body.role"

    members = team.viewer.client.get(base).json()["items"]
    me = next(m for m in members if m["email"] == "admin@example.com")
    demote = team.admin.client.patch(f"{base}/{me['id']}", json={"role": "editor"})
    assert demote.status_code == 422  # the only admin
    assert team.admin.client.delete(f"{base}/{me['id']}").status_code == 422
    promoted = team.admin.client.patch(f"{base}/{added.json()['id']}", json={"role": "admin"})
    assert promoted.json()["role"] == "admin"
    assert team.admin.client.patch(f"{base}/{me['id']}", json={"role": "editor"}).status_code == 200


def test_projects_are_invisible_to_outsiders(team: Team) -> None:
    p = f"/api/v1/projects/{team.project_id}"
    for method, path in (("GET", p), ("PATCH", p), ("DELETE", p), ("GET", f"{p}/members"),
                         ("GET", f"{p}/schemas"), ("GET", f"{p}/files"), ("GET", f"{p}/tasks"),
                         ("GET", f"{p}/datasets"), ("POST", f"{p}/annotations/bulk")):
        res = team.outsider.client.request(method, path, json={} if method != "GET" else None)
        assert res.status_code == 404, (method, path, res.status_code)
        assert res.json()["error"]["code"] == "not_found"
    missing = team.outsider.client.get("/api/v1/projects/999999")
    assert missing.status_code == 404  # same answer as a project that exists but is not theirs


def test_superuser_sees_every_project(team: Team, make_user: Callable[..., Actor]) -> None:
    root = make_user("root@example.com", superuser=True)
    names = {p["name"] for p in root.client.get("/api/v1/projects").json()["items"]}
    assert names == {"Team project", "Elsewhere"}


def test_admin_deletes_project(team: Team) -> None:
    p = f"/api/v1/projects/{team.project_id}"
    assert team.editor.client.delete(p).status_code == 403
    assert team.admin.client.delete(p).status_code == 204
    assert team.admin.client.get(p).status_code == 404


def test_pagination_walks_every_item_once(make_user: Callable[..., Actor]) -> None:
    ann = make_user("ann@example.com")
    for i in range(7):
        ann.client.post("/api/v1/projects", json={"name": f"p{i}"})
    seen, cursor = [], None
    while True:
        page = ann.client.get("/api/v1/projects", params={"limit": 3, **({"cursor": cursor} if cursor else {})}).json()
        seen += [p["name"] for p in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [f"p{i}" for i in range(7)]
    bad = ann.client.get("/api/v1/projects", params={"cursor": "%%%"})
    assert bad.status_code == 422 and bad.json()["error"]["fields"][0]["field"] == "query.cursor"
