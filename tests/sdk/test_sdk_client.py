"""The client against a live server: resources, typed models, one exception class per status, async."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path

import groundwork
import pytest
from fastapi import FastAPI

from backend.auth import service as auth_service
from backend.auth.schemas import TokenCreate
from backend.config import Settings
from backend.core.db import make_session_factory, transaction
from tests.conftest import Actor
from tests.sdk.conftest import World, build_world, jpeg, serve


def test_resources_round_trip(sdk: groundwork.Client, monkeypatch: pytest.MonkeyPatch, gw_server: str) -> None:
    created = sdk.projects.create("Round trip", slug="round-trip")
    assert [p.slug for p in sdk.projects.list()] == ["round-trip"]
    project = sdk.project("round-trip")
    assert project.id == created.id and project.get().role == "admin"
    schema = project.schemas.create("s", [{"name": "cat", "color": "#123456", "annotation_types": ["box", "tag"]}])
    seen: list[tuple[int, int]] = []
    items = project.files.upload([(f"{i}.jpg", jpeg(i)) for i in range(5)] + [("notes.txt", b"hello world")],
                                 batch_size=2, concurrency=3, progress=lambda done, total: seen.append((done, total)))
    assert [i.status for i in items] == ["created"] * 6 and items[5].file.kind == "text"
    assert sorted(seen)[-1] == (6, 6) and len(seen) == 3
    image = items[0].file
    assert project.files.content(image.id) == jpeg(0)
    assert project.files.texts([items[5].file.id, image.id]) == {items[5].file.id: "hello world"}  # images: none
    ann = project.annotations.create(image.id, "box", label="cat", schema_id=schema.id,
                                     geometry={"x": 1, "y": 1, "w": 5, "h": 5})
    moved = project.annotations.update(ann.id, ann.version, geometry={"x": 2, "y": 2, "w": 5, "h": 5})
    assert moved.version == 2
    assert project.annotations.diff(ann.id, 1, 2).changes["geometry"]["after"]["x"] == 2
    assert [v.version for v in project.annotations.versions(ann.id)] == [1, 2]
    assert [f.id for f in project.files.list(query="labels.cat = 1")] == [image.id]
    dataset = project.datasets.create("d")
    assert project.datasets.add_files(dataset.id, [image.id]).file_count == 1
    assert project.datasets.by_name("d").file_count == 1
    tasks = project.tasks.create([image.id], schema.id)
    assert len(tasks.created) == 1 and project.tasks.progress().total == 1
    task = project.tasks.next()
    assert task is not None and task.status == "in_progress"
    assert project.tasks.act(task.id, "submit", task.version).status == "submitted"
    assert project.tasks.next() is None

    monkeypatch.setenv("GROUNDWORK_URL", gw_server)  # the environment is the default
    monkeypatch.setenv("GROUNDWORK_TOKEN", sdk._conn.token or "")
    with groundwork.Client() as from_env:
        assert from_env.project(created.id).get().slug == "round-trip"


def test_each_status_has_its_exception(sdk: groundwork.Client, gw_server: str,
                                       make_user: Callable[..., Actor]) -> None:
    world = build_world(sdk, 2)
    project = world.project
    with pytest.raises(groundwork.NotFoundError) as missing:
        project.files.get(999_999)
    assert missing.value.status_code == 404 and missing.value.code == "not_found"
    ann = next(iter(project.annotations.list(world.file_ids[0])))
    project.annotations.update(ann.id, ann.version, attributes={})
    with pytest.raises(groundwork.ConflictError) as stale:
        project.annotations.update(ann.id, ann.version, attributes={})
    assert stale.value.code == "stale_version" and stale.value.detail == {"current_version": ann.version + 1}
    with pytest.raises(groundwork.UnprocessableEntityError) as invalid:
        project.annotations.create(world.file_ids[0], "box", label="car", schema_id=world.schema_id,
                                   geometry={"x": 1, "y": 1, "w": -5, "h": 5})
    assert invalid.value.fields and invalid.value.fields[0]["field"].startswith("body")
    with pytest.raises(groundwork.ConflictError):
        project.datasets.create("train")  # the name is taken
    viewer = make_user("viewer@example.com")
    project.members.add("viewer@example.com", "viewer")
    with pytest.raises(groundwork.PermissionDeniedError):
        groundwork.Client(gw_server, viewer.token).project(project.id).datasets.create("mine")
    with pytest.raises(groundwork.AuthenticationError):
        groundwork.Client(gw_server, "wrong-token", max_retries=0).projects.list()
    with pytest.raises(groundwork.APIConnectionError):
        groundwork.Client("http://127.0.0.1:9", "t", max_retries=0).projects.list()
    ds = project.dataset("train")
    with pytest.raises(groundwork.UnprocessableEntityError, match="positions"):
        sdk._api.request("GET", f"/projects/{project.id}/snapshots/{ds.snapshot_id}/items",
                         params={"positions": "0-5000"})


def test_async_client(sdk: groundwork.Client, gw_server: str) -> None:
    token = sdk._conn.token

    async def main() -> tuple[int, int, list[str]]:
        async with groundwork.AsyncClient(gw_server, token) as client:
            created = await client.projects.create("Async")
            project = client.project("async")
            uploaded = await project.files.upload([(f"{i}.jpg", jpeg(i)) for i in range(4)], batch_size=1,
                                                  concurrency=4)
            schema = await project.schemas.create("s", [{"name": "x", "color": "#000000",
                                                         "annotation_types": ["tag"]}])
            await project.annotations.create(uploaded[0].file.id, "tag", label="x", schema_id=schema.id)
            snapshot = await project.snapshots.create(query="labels.x = 1")
            names = [p.name async for p in await client.projects.list()]
            with pytest.raises(groundwork.NotFoundError):
                await project.files.get(123_456)
            return created.id, snapshot.file_count, names

    _, count, names = asyncio.run(main())
    assert count == 1 and names == ["Async"]


def test_workflows_define_trigger_and_follow(world: World, app: FastAPI, settings: Settings,
                                             gw_server: str) -> None:
    wf = pytest.importorskip("tests.workflows_api.wfhelpers")
    bad = "name: broken\non: [manual]\nworkflow:\n  out: [no_such_block, in]\n"
    with pytest.raises(groundwork.UnprocessableEntityError) as invalid:
        world.project.workflows.validate(bad, format="yaml")
    assert all({"line", "column", "message"} <= set(e) for e in invalid.value.body["errors"])
    # the workflow service's account registers its blocks and reports progress, as the service does
    with transaction(make_session_factory(app.state.engine)) as s:
        account = auth_service.create_service_account(s, "workflow-service")
        secret = auth_service.create_token(s, account, TokenCreate(name="t"), settings.secret_key).secret
    service = groundwork.Client(gw_server, secret)._api
    service.request("PUT", "/blocks", json={"blocks": wf.BLOCKS, "replace": True})

    def report(status: str) -> None:
        service.request("POST", "/service/workflow-runs/report", json={
            "runs": [{"run_id": run.id, "status": status}], "steps": [{"run_id": run.id, "key": "first",
                                                                        "status": status}]})

    detail = world.project.workflows.create(wf.THREE_STEPS)
    assert detail.name == "three steps" and detail.current_version == 1
    run = world.project.workflows.trigger(detail.id, {"note": "from the SDK"})
    assert run.status == "pending" and run.trigger_kind == "manual"
    report("running")
    seen = []
    for state in world.project.workflows.follow(run.id, poll_s=0.05, timeout_s=60):
        seen.append(state.status)
        if len(seen) == 1:
            report("succeeded")
    assert seen == ["running", "succeeded"]
    assert [r.id for r in world.project.workflows.runs(detail.id)] == [run.id]
    final = world.project.workflows.run(run.id)
    assert [(step.key, step.status) for step in final.steps] == [("first", "succeeded")]


def test_exports_through_the_client(settings: Settings, make_user: Callable[..., Actor], tmp_path: Path) -> None:
    pytest.importorskip("backend.exports.router")
    owner = make_user("exporter@example.com")
    with serve(settings, tmp_path / "data", background=True) as base, groundwork.Client(base, owner.token) as client:
        world = build_world(client, 3, name="Exports")
        started = world.project.exports.create("jsonl", dataset_id=world.dataset_id)
        done = world.project.exports.wait(started.id, poll_s=0.2, timeout_s=60)
        assert done.status == "succeeded", done.error
        out = world.project.exports.download(done.id, tmp_path / "out.jsonl")
        rows = [json.loads(line) for line in out.read_text().splitlines()]
        assert len(rows) == 3 and not (tmp_path / "out.jsonl.part").exists()
