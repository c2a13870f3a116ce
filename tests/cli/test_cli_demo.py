"""The demo project, loaded through the API: real photos with their true sizes, ~300 texts, schemas, tasks."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from click.testing import Result
from fastapi.testclient import TestClient

from backend.config import Settings
from backend.demo.images import demo_images
from backend.demo.loader import load_demo
from backend.demo.texts import TOPICS, demo_texts
from tests.conftest import Actor

RunCli = Callable[..., Result]


def _all(client: TestClient, path: str, **params: Any) -> Iterator[dict[str, Any]]:
    cursor = None
    while True:
        res = client.get(path, params={"limit": 500, **params, **({"cursor": cursor} if cursor else {})})
        assert res.status_code == 200, res.text
        body = res.json()
        yield from body["items"]
        cursor = body["next_cursor"]
        if not cursor:
            return


@pytest.fixture
def admin(make_user: Callable[..., Actor]) -> Actor:
    return make_user("admin@localhost", superuser=True)


def test_texts_are_distinct_and_cover_the_topics() -> None:
    texts = demo_texts()
    assert len(texts) == 300
    assert len({t.content for t in texts}) == 300
    assert Counter(t.topic for t in texts) == dict.fromkeys(TOPICS, 75)


def test_demo_project_is_complete(settings: Settings, admin: Actor) -> None:
    expected_images = {i.filename: i for i in demo_images()}
    assert len(expected_images) >= 8  # astronaut, coffee, chelsea, rocket, horse, coins, camera, ...

    result = load_demo(settings)
    assert result.loaded, result.reason
    c = admin.client
    project = c.get(f"/api/v1/projects/{result.project_id}").json()
    assert (project["name"], project["slug"]) == ("Demo", "demo")

    files = list(_all(c, f"/api/v1/projects/{project['id']}/files"))
    images = {f["name"]: f for f in files if f["kind"] == "image"}
    texts = [f for f in files if f["kind"] == "text"]
    assert set(images) == set(expected_images)
    for name, image in images.items():  # the real photos, at their real sizes
        assert (image["width"], image["height"]) == (expected_images[name].width, expected_images[name].height)
    assert images["astronaut.jpg"]["mime_type"] == "image/jpeg"
    assert (images["astronaut.jpg"]["width"], images["astronaut.jpg"]["height"]) == (512, 512)
    assert images["horse.png"]["metadata"]["source"] == "skimage.data.horse"
    assert len(texts) == 300
    assert Counter(t["metadata"]["topic"] for t in texts) == dict.fromkeys(TOPICS, 75)
    content = c.get(f"/api/v1/projects/{project['id']}/files/{images['coffee.jpg']['id']}/content")
    assert content.status_code == 200
    assert content.content[:2] == b"\xff\xd8"  # a JPEG

    schemas = {s["name"]: s for s in _all(c, f"/api/v1/projects/{project['id']}/schemas")}
    assert set(schemas) == {"objects", "topics"}
    assert {lb["name"] for lb in schemas["objects"]["labels"]} == {
        "person", "cat", "rocket", "coffee cup", "horse", "coin"}
    objects_attrs = {a["name"]: a for a in schemas["objects"]["attributes"]}
    assert objects_attrs["occluded"]["kind"] == "boolean"
    assert objects_attrs["occluded"]["scope"] == "instance"
    assert objects_attrs["scene"]["options"] == ["indoor", "outdoor"]
    assert {lb["name"] for lb in schemas["topics"]["labels"]} == set(TOPICS)
    assert all(set(lb["annotation_types"]) == {"tag", "span"} for lb in schemas["topics"]["labels"])

    datasets = {d["name"]: d for d in _all(c, f"/api/v1/projects/{project['id']}/datasets")}
    assert datasets["images"]["file_count"] == len(images)
    assert datasets["texts"]["file_count"] == 300

    tasks = list(_all(c, f"/api/v1/projects/{project['id']}/tasks"))
    assert len(tasks) == len(files) == result.tasks
    by_file = {t["file_id"]: t for t in tasks}
    assert set(by_file) == {f["id"] for f in files}
    assert all(t["kind"] == "annotate" and t["status"] == "available" for t in tasks)
    assert {by_file[i["id"]]["schema_id"] for i in images.values()} == {schemas["objects"]["id"]}
    assert {by_file[t["id"]]["schema_id"] for t in texts} == {schemas["topics"]["id"]}

    tokens = {t["name"]: t for t in _all(c, "/api/v1/tokens")}
    assert tokens["demo loader"]["revoked_at"] is not None  # the loader's temporary token is dead
    assert tokens["tests"]["revoked_at"] is None


def test_demo_command_skips_then_replaces(run_cli: RunCli, admin: Actor) -> None:
    first = run_cli("demo")
    assert first.exit_code == 0, first.output
    assert "loaded project" in first.stderr
    again = run_cli("demo")
    assert again.exit_code == 0
    assert "exists already" in again.stderr
    projects = admin.client.get("/api/v1/projects").json()["items"]
    assert [p["slug"] for p in projects] == ["demo"]

    base = f"/api/v1/projects/{projects[0]['id']}"
    assert admin.client.patch(base, json={"name": "Edited"}).status_code == 200
    forced = run_cli("demo", "--force")
    assert forced.exit_code == 0, forced.output
    assert "loaded project" in forced.stderr
    replaced = admin.client.get("/api/v1/projects").json()["items"]
    assert [p["slug"] for p in replaced] == ["demo"]
    assert replaced[0]["name"] == "Demo"  # a new project, not the edited one
    datasets = admin.client.get(f"/api/v1/projects/{replaced[0]['id']}/datasets").json()["items"]
    assert sorted(d["file_count"] for d in datasets)[-1] == 300  # replaced, not loaded twice


def test_serve_loads_demo_only_when_there_is_no_project(run_cli: RunCli, admin: Actor) -> None:
    admin.client.post("/api/v1/projects", json={"name": "Mine"})
    res = run_cli("serve", "--setup-only", "--demo")
    assert res.exit_code == 0, res.output
    slugs = [p["slug"] for p in admin.client.get("/api/v1/projects").json()["items"]]
    assert slugs == ["mine"]


def test_demo_without_an_admin_is_a_clear_error(run_cli: RunCli) -> None:
    res = run_cli("demo")
    assert res.exit_code == 1
    assert "users create --superuser" in res.stderr
