"""Reading files: listing with filters, media with ETag/304/Range, edits, deletion, who sees what."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI
from filehelpers import events, make_image, upload
from sqlalchemy import Engine

from backend.core.db import make_session_factory, transaction
from backend.files.models import File
from backend.label_schemas.models import LabelSchema
from backend.tasks.models import Task, TaskKind, TaskStatus


def _files(team, n_text: int = 2) -> list[dict]:
    parts = [("photo.jpg", make_image("JPEG", (120, 80)))]
    parts += [(f"note-{i}.txt", f"note number {i}".encode()) for i in range(n_text)]
    res = upload(team.editor.client, team.project_id, parts)
    assert res.status_code == 201, res.text
    return [i["file"] for i in res.json()["items"]]


def test_content_has_strong_etag_304_and_ranges(team) -> None:
    jpeg = make_image("JPEG", (120, 80))
    f = upload(team.editor.client, team.project_id, [("photo.jpg", jpeg)]).json()["items"][0]["file"]
    viewer = team.viewer.client
    res = viewer.get(f["content_url"])
    assert res.status_code == 200
    assert res.content == jpeg
    assert res.headers["content-type"] == "image/jpeg"
    assert res.headers["etag"] == f'"{f["content_hash"]}"'
    assert res.headers["cache-control"].startswith("private")
    assert res.headers["x-content-type-options"] == "nosniff"
    assert res.headers["accept-ranges"] == "bytes"
    again = viewer.get(f["content_url"], headers={"If-None-Match": res.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == res.headers["etag"]
    assert viewer.get(f["content_url"], headers={"If-None-Match": '"other"'}).status_code == 200
    part = viewer.get(f["content_url"], headers={"Range": "bytes=10-29"})
    assert part.status_code == 206
    assert part.content == jpeg[10:30]
    assert part.headers["content-range"] == f"bytes 10-29/{len(jpeg)}"
    tail = viewer.get(f["content_url"], headers={"Range": "bytes=-5"})
    assert tail.content == jpeg[-5:]


def test_thumbnail_and_text_endpoints(team) -> None:
    photo, note, _ = _files(team)
    client = team.viewer.client
    thumb = client.get(photo["thumbnail_url"])
    assert thumb.status_code == 200
    assert thumb.headers["etag"] != f'"{photo["content_hash"]}"'  # different bytes, different tag
    assert client.get(photo["thumbnail_url"], headers={"If-None-Match": thumb.headers["etag"]}).status_code == 304
    text = client.get(note["content_url"])
    assert text.headers["content-type"] == "text/plain; charset=utf-8"
    assert text.text == "note number 0"
    base = f"/api/v1/projects/{team.project_id}/files"
    assert client.get(f"{base}/{note['id']}/thumbnail").status_code == 404
    assert client.get(f"{base}/{photo['id']}/text").status_code == 404


def test_list_filters_and_pages(team) -> None:
    photo, *notes = _files(team, n_text=3)
    client = team.viewer.client
    base = f"/api/v1/projects/{team.project_id}/files"
    assert [f["id"] for f in client.get(base, params={"kind": "image"}).json()["items"]] == [photo["id"]]
    assert len(client.get(base, params={"kind": "text"}).json()["items"]) == 3
    assert [f["name"] for f in client.get(base, params={"name": "NOTE-1"}).json()["items"]] == ["note-1.txt"]
    assert client.get(base, params={"name": "%"}).json()["items"] == []  # wildcards are literal
    seen, cursor = [], None
    while True:
        page = client.get(base, params={"limit": 3, **({"cursor": cursor} if cursor else {})}).json()
        seen += [f["id"] for f in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == sorted(f["id"] for f in [photo, *notes])
    assert client.get(base, params={"kind": "video"}).status_code == 422


def test_patch_replaces_metadata_and_renames(team, engine: Engine) -> None:
    _, note, _ = _files(team)
    url = f"/api/v1/projects/{team.project_id}/files/{note['id']}"
    res = team.editor.client.patch(url, json={"name": "renamed.txt", "metadata": {"split": "train"}})
    assert res.status_code == 200
    assert (res.json()["name"], res.json()["metadata"]) == ("renamed.txt", {"split": "train"})
    res = team.editor.client.patch(url, json={"metadata": {"only": 1}})
    assert res.json()["metadata"] == {"only": 1}
    assert res.json()["name"] == "renamed.txt"
    bad = team.editor.client.patch(url, json={"metadata": ["not", "an", "object"]})
    assert bad.status_code == 422
    assert bad.json()["error"]["fields"][0]["field"] == "body.metadata"
    assert team.editor.client.patch(url, json={"size_bytes": 1}).status_code == 422
    assert team.viewer.client.patch(url, json={"name": "x"}).status_code == 403
    assert [e["changed"] for e in events(engine, "file.updated")] == [["metadata", "name"], ["metadata"]]


def test_delete_hides_file_everywhere(team, engine: Engine) -> None:
    _, note, _ = _files(team)
    base = f"/api/v1/projects/{team.project_id}/files"
    assert team.viewer.client.delete(f"{base}/{note['id']}").status_code == 403
    assert team.editor.client.delete(f"{base}/{note['id']}").status_code == 204
    for suffix in ("", "/content", "/text"):
        assert team.editor.client.get(f"{base}/{note['id']}{suffix}").status_code == 404
    assert note["id"] not in [f["id"] for f in team.editor.client.get(base).json()["items"]]
    assert team.editor.client.delete(f"{base}/{note['id']}").status_code == 404
    assert events(engine, "file.deleted") == [{"file_id": note["id"], "kind": "text", "name": "note-0.txt"}]


def test_other_projects_files_are_404(team) -> None:
    photo, _, _ = _files(team)
    other = team.outsider.client
    assert other.get(photo["content_url"]).status_code == 404
    elsewhere = other.get("/api/v1/projects").json()["items"][0]["id"]
    assert other.get(f"/api/v1/projects/{elsewhere}/files/{photo['id']}").status_code == 404


def _assign(app: FastAPI, project_id: int, file_id: int, user_id: int, status: TaskStatus) -> None:
    with transaction(make_session_factory(app.state.engine)) as s:
        schema = LabelSchema(project_id=project_id, name=f"s{file_id}-{status}")
        s.add(schema)
        s.flush()
        s.add(Task(project_id=project_id, file_id=file_id, schema_id=schema.id, kind=TaskKind.annotate,
                   status=status, assignee_id=user_id))


def test_annotators_see_only_files_of_their_tasks(team, app: FastAPI, make_user: Callable) -> None:
    photo, note, other_note = _files(team)
    ann = team.annotator.client
    base = f"/api/v1/projects/{team.project_id}/files"
    assert ann.get(base).json()["items"] == []
    for f in (photo, note):
        assert ann.get(f"{base}/{f['id']}").status_code == 404
        assert ann.get(f["content_url"]).status_code == 404
    _assign(app, team.project_id, photo["id"], team.annotator.user.id, TaskStatus.in_progress)
    _assign(app, team.project_id, note["id"], team.annotator.user.id, TaskStatus.approved)
    _assign(app, team.project_id, other_note["id"], team.editor.user.id, TaskStatus.in_progress)
    assert sorted(f["id"] for f in ann.get(base).json()["items"]) == sorted([photo["id"], note["id"]])
    assert ann.get(f"{base}/{photo['id']}").status_code == 200
    assert ann.get(photo["content_url"]).status_code == 200
    assert ann.get(photo["thumbnail_url"]).status_code == 200
    assert ann.get(f"{base}/{note['id']}/text").json()["text"] == "note number 0"
    assert ann.get(f"{base}/{other_note['id']}").status_code == 404
    assert len(team.viewer.client.get(base).json()["items"]) == 3


def test_file_rows_use_content_addressed_keys(team, app: FastAPI) -> None:
    photo, _, _ = _files(team)
    with transaction(make_session_factory(app.state.engine)) as s:
        row = s.get(File, photo["id"])
        assert row is not None
        assert row.storage_key == f"p{team.project_id}/{photo['content_hash'][:2]}/{photo['content_hash']}"
        assert row.thumbnail_key is not None
        assert app.state.storage.exists(row.storage_key)
        assert app.state.storage.exists(row.thumbnail_key)
