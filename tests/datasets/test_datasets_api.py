"""Datasets: CRUD, unique names, adding and removing files, counts, roles, events."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select

from backend.events.models import Event


def _base(team) -> str:
    return f"/api/v1/projects/{team.project_id}/datasets"


def _texts(team, n: int) -> list[int]:
    parts = [("files", (f"t{i}.txt", f"text {i}".encode())) for i in range(n)]
    res = team.editor.client.post(f"/api/v1/projects/{team.project_id}/files", files=parts)
    assert res.status_code == 201, res.text
    return [item["file"]["id"] for item in res.json()["items"]]


def _events(engine: Engine, prefix: str) -> list[tuple[str, dict[str, Any]]]:
    with engine.connect() as conn:
        rows = conn.execute(select(Event.type, Event.payload).where(Event.type.startswith(prefix))
                            .order_by(Event.id)).all()
    return [(t, dict(p)) for t, p in rows]


def test_crud_and_unique_names(team, engine: Engine) -> None:
    editor, base = team.editor.client, _base(team)
    created = editor.post(base, json={"name": "night", "description": "low light"})
    assert created.status_code == 201
    ds = created.json()
    assert (ds["name"], ds["description"], ds["file_count"]) == ("night", "low light", 0)
    dup = editor.post(base, json={"name": "night"})
    assert dup.status_code == 409
    assert dup.json()["error"]["fields"][0]["field"] == "body.name"
    other = editor.post(base, json={"name": "day"}).json()
    clash = editor.patch(f"{base}/{other['id']}", json={"name": "night"})
    assert clash.status_code == 409
    assert clash.json()["error"]["fields"][0]["field"] == "body.name"
    renamed = editor.patch(f"{base}/{ds['id']}", json={"name": "dusk"})
    assert renamed.json()["name"] == "dusk"
    assert editor.patch(f"{base}/{ds['id']}", json={"name": "dusk"}).status_code == 200  # same name: fine
    assert [d["name"] for d in team.viewer.client.get(base).json()["items"]] == ["dusk", "day"]
    assert team.viewer.client.get(f"{base}/{ds['id']}").json()["name"] == "dusk"
    assert editor.delete(f"{base}/{other['id']}").status_code == 204
    assert editor.get(f"{base}/{other['id']}").status_code == 404
    assert editor.post(base, json={"name": "x", "colour": 1}).status_code == 422
    assert [t for t, _ in _events(engine, "dataset.")] == ["dataset.created", "dataset.created",
                                                           "dataset.updated", "dataset.updated",
                                                           "dataset.deleted"]


def test_add_and_remove_files(team, engine: Engine) -> None:
    editor, base = team.editor.client, _base(team)
    ids = _texts(team, 4)
    ds = editor.post(base, json={"name": "train"}).json()
    url = f"{base}/{ds['id']}/files"
    added = editor.post(url, json={"file_ids": ids[:3]})
    assert added.status_code == 200
    assert (added.json()["changed_file_ids"], added.json()["file_count"]) == (ids[:3], 3)
    again = editor.post(url, json={"file_ids": ids[1:]}).json()  # idempotent for the ones already in
    assert (again["changed_file_ids"], again["file_count"]) == ([ids[3]], 4)
    listed = team.viewer.client.get(url, params={"limit": 3}).json()
    assert [f["id"] for f in listed["items"]] == ids[:3]
    rest = team.viewer.client.get(url, params={"cursor": listed["next_cursor"]}).json()
    assert [f["id"] for f in rest["items"]] == [ids[3]]
    removed = editor.request("DELETE", url, json={"file_ids": [ids[0], ids[0], ids[1]]}).json()
    assert (removed["changed_file_ids"], removed["file_count"]) == ([ids[0], ids[1]], 2)
    files = team.viewer.client.get(f"/api/v1/projects/{team.project_id}/files",
                                   params={"dataset_id": ds["id"]}).json()["items"]
    assert [f["id"] for f in files] == ids[2:]
    assert _events(engine, "dataset.files")[0] == ("dataset.files_added", {"dataset_id": ds["id"],
                                                                           "file_ids": ids[:3], "count": 3})
    assert _events(engine, "dataset.files")[-1] == ("dataset.files_removed", {"dataset_id": ds["id"],
                                                                              "file_ids": ids[:2], "count": 2})


def test_unknown_or_foreign_file_ids_write_nothing(team, engine: Engine) -> None:
    editor, base = team.editor.client, _base(team)
    ids = _texts(team, 2)
    other = editor.post("/api/v1/projects", json={"name": "Other"}).json()["id"]
    foreign = editor.post(f"/api/v1/projects/{other}/files", files=[("files", ("f.txt", b"foreign"))])
    foreign_id = foreign.json()["items"][0]["file"]["id"]
    editor.delete(f"/api/v1/projects/{team.project_id}/files/{ids[1]}")
    ds = editor.post(base, json={"name": "d"}).json()
    res = editor.post(f"{base}/{ds['id']}/files", json={"file_ids": [ids[0], foreign_id, 999999, ids[1]]})
    assert res.status_code == 422
    fields = [f["field"] for f in res.json()["error"]["fields"]]
    assert fields == ["body.file_ids.1", "body.file_ids.2", "body.file_ids.3"]
    assert editor.get(f"{base}/{ds['id']}").json()["file_count"] == 0
    assert _events(engine, "dataset.files") == []
    assert editor.post(f"{base}/{ds['id']}/files", json={"file_ids": []}).status_code == 422


def test_deleted_files_do_not_count(team) -> None:
    editor, base = team.editor.client, _base(team)
    ids = _texts(team, 3)
    ds = editor.post(base, json={"name": "d"}).json()
    editor.post(f"{base}/{ds['id']}/files", json={"file_ids": ids})
    editor.delete(f"/api/v1/projects/{team.project_id}/files/{ids[0]}")
    assert editor.get(f"{base}/{ds['id']}").json()["file_count"] == 2
    assert editor.get(base).json()["items"][0]["file_count"] == 2
    assert [f["id"] for f in editor.get(f"{base}/{ds['id']}/files").json()["items"]] == ids[1:]


def test_roles(team) -> None:
    base = _base(team)
    ds = team.editor.client.post(base, json={"name": "d"}).json()
    ann = team.annotator.client
    for res in (ann.get(base), ann.get(f"{base}/{ds['id']}"), ann.get(f"{base}/{ds['id']}/files"),
                ann.post(base, json={"name": "e"})):
        assert res.status_code == 403
    viewer = team.viewer.client
    assert viewer.get(f"{base}/{ds['id']}").status_code == 200
    assert viewer.post(base, json={"name": "v"}).status_code == 403
    assert viewer.patch(f"{base}/{ds['id']}", json={"name": "v"}).status_code == 403
    assert viewer.delete(f"{base}/{ds['id']}").status_code == 403
    assert viewer.post(f"{base}/{ds['id']}/files", json={"file_ids": [1]}).status_code == 403
    assert team.outsider.client.get(base).status_code == 404
    assert team.admin.client.get(f"{base}/{ds['id']}").status_code == 200


def test_dataset_of_another_project_is_404(team) -> None:
    editor = team.editor.client
    other = editor.post("/api/v1/projects", json={"name": "Other"}).json()["id"]
    foreign = editor.post(f"/api/v1/projects/{other}/datasets", json={"name": "theirs"}).json()
    assert editor.get(f"{_base(team)}/{foreign['id']}").status_code == 404
    assert editor.post(f"{_base(team)}/{foreign['id']}/files", json={"file_ids": [1]}).status_code == 404
