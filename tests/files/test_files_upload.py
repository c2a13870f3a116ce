"""Batch upload: type detection by content, thumbnails, text and JSON Lines, dedup, atomicity."""

from __future__ import annotations

import io
import json
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient
from filehelpers import events, file_count, make_image, stored_blobs, upload
from PIL import Image
from sqlalchemy import Engine

from backend.config import Settings


def _thumb(client: TestClient, item: dict) -> Image.Image:
    res = client.get(item["file"]["thumbnail_url"])
    assert res.status_code == 200
    assert res.headers["content-type"] == "image/jpeg"
    return Image.open(io.BytesIO(res.content))


def test_images_of_each_format_get_size_and_thumbnail(team, settings: Settings) -> None:
    editor = team.editor.client
    files = [("wide.jpg", make_image("JPEG", (1000, 500))), ("tall.png", make_image("PNG", (300, 600))),
             ("small.webp", make_image("WEBP", (40, 30)))]
    res = upload(editor, team.project_id, files)
    assert res.status_code == 201, res.text
    items = res.json()["items"]
    assert [i["status"] for i in items] == ["created"] * 3
    got = {i["input_name"]: i["file"] for i in items}
    assert (got["wide.jpg"]["mime_type"], got["wide.jpg"]["width"], got["wide.jpg"]["height"]) == \
        ("image/jpeg", 1000, 500)
    assert (got["tall.png"]["mime_type"], got["tall.png"]["width"], got["tall.png"]["height"]) == \
        ("image/png", 300, 600)
    assert got["small.webp"]["mime_type"] == "image/webp"
    assert got["wide.jpg"]["kind"] == "image"
    assert got["wide.jpg"]["size_bytes"] == len(files[0][1])
    limit = settings.thumbnail_size
    assert _thumb(editor, items[0]).size == (limit, limit // 2)
    assert _thumb(editor, items[1]).size == (limit // 2, limit)
    assert _thumb(editor, items[2]).size == (40, 30)  # never enlarged


def test_exif_orientation_swaps_displayed_size_and_rotates_thumbnail(team) -> None:
    rotated = make_image("JPEG", (200, 100), orientation=6)  # stored landscape, displayed portrait
    item = upload(team.editor.client, team.project_id, [("phone.jpg", rotated)]).json()["items"][0]
    assert (item["file"]["width"], item["file"]["height"]) == (100, 200)
    assert _thumb(team.editor.client, item).size == (100, 200)  # portrait too


def test_type_comes_from_content_not_extension(team) -> None:
    png_named_txt = make_image("PNG", (10, 20))
    res = upload(team.editor.client, team.project_id, [("notes.txt", png_named_txt)])
    assert res.status_code == 201
    assert res.json()["items"][0]["file"]["kind"] == "image"


def test_text_file_counts_characters(team) -> None:
    text = "Grüße aus Köln — 東京\nsecond line\n"
    res = upload(team.editor.client, team.project_id, [("note.txt", text.encode())], metadata='{"lang": "de"}')
    assert res.status_code == 201, res.text
    f = res.json()["items"][0]["file"]
    assert (f["kind"], f["mime_type"], f["text_length"], f["metadata"]) == ("text", "text/plain", len(text),
                                                                           {"lang": "de"})
    assert f["thumbnail_url"] is None
    body = team.viewer.client.get(f"/api/v1/projects/{team.project_id}/files/{f['id']}/text").json()
    assert body == {"text": text, "length": len(text)}


def test_jsonl_rows_become_text_files_with_row_metadata(team) -> None:
    rows = [{"text": "first review", "id": 17, "stars": 5}, {"text": "second", "name": "custom-name"},
            {"body": "ignored key", "text": "third"}]
    data = ("\n".join(json.dumps(r) for r in rows[:2]) + "\n\n" + json.dumps(rows[2]) + "\n").encode()
    res = upload(team.editor.client, team.project_id, [("reviews.jsonl", data)], metadata='{"batch": 1}')
    assert res.status_code == 201, res.text
    items = res.json()["items"]
    assert [i["input_name"] for i in items] == ["reviews.jsonl#1", "reviews.jsonl#2", "reviews.jsonl#4"]
    assert [i["file"]["name"] for i in items] == ["17", "custom-name", "reviews.jsonl#4"]
    assert items[0]["file"]["metadata"] == {"batch": 1, "id": 17, "stars": 5}
    assert items[2]["file"]["metadata"] == {"batch": 1, "body": "ignored key"}
    assert items[1]["file"]["text_length"] == len("second")


def test_jsonl_with_custom_text_field(team) -> None:
    data = b'{"content": "hello"}\n{"content": "world"}\n'
    res = upload(team.editor.client, team.project_id, [("x.ndjson", data)], text_field="content")
    assert res.status_code == 201, res.text
    assert len(res.json()["items"]) == 2


def test_same_bytes_twice_are_one_file(team, engine: Engine) -> None:
    png = make_image("PNG", (8, 8))
    first = upload(team.editor.client, team.project_id, [("a.png", png), ("copy.png", png)]).json()["items"]
    assert [i["status"] for i in first] == ["created", "duplicate"]
    assert first[0]["file"]["id"] == first[1]["file"]["id"]
    again = upload(team.admin.client, team.project_id, [("b.png", png)]).json()["items"]
    assert again[0]["status"] == "duplicate"
    assert again[0]["file"]["id"] == first[0]["file"]["id"]
    assert again[0]["file"]["name"] == "a.png"
    assert file_count(engine) == 1
    assert [e["file_id"] for e in events(engine, "file.created")] == [first[0]["file"]["id"]]
    assert events(engine, "file.created")[0] == {"file_id": first[0]["file"]["id"], "kind": "image",
                                                 "name": "a.png"}


def test_deleted_file_is_restored_by_uploading_it_again(team, engine: Engine) -> None:
    png = make_image("PNG", (9, 9))
    f = upload(team.editor.client, team.project_id, [("a.png", png)]).json()["items"][0]["file"]
    url = f"/api/v1/projects/{team.project_id}/files/{f['id']}"
    assert team.editor.client.delete(url).status_code == 204
    assert team.editor.client.get(url).status_code == 404
    item = upload(team.editor.client, team.project_id, [("again.png", png)]).json()["items"][0]
    assert (item["status"], item["file"]["id"]) == ("restored", f["id"])
    assert team.editor.client.get(url).status_code == 200
    assert [e["file_id"] for e in events(engine, "file.restored")] == [f["id"]]


def test_same_bytes_in_two_projects_are_two_files(team, make_user) -> None:
    png = make_image("PNG", (7, 7))
    other = team.editor.client.post("/api/v1/projects", json={"name": "Other"}).json()["id"]
    a = upload(team.editor.client, team.project_id, [("a.png", png)]).json()["items"][0]
    b = upload(team.editor.client, other, [("a.png", png)]).json()["items"][0]
    assert (a["status"], b["status"]) == ("created", "created")
    assert a["file"]["id"] != b["file"]["id"]


def test_unsupported_type_refuses_whole_batch(team, engine: Engine, settings: Settings) -> None:
    before = stored_blobs(settings)
    good = make_image("PNG", (5, 5), color=(1, 2, 3))
    for name, data in (("doc.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"),
                       ("noise.bin", os.urandom(4096)), ("anim.gif", b"GIF89a" + b"\x00" * 50)):
        res = upload(team.editor.client, team.project_id, [("ok.png", good), (name, data)])
        assert res.status_code == 415, res.text
        err = res.json()["error"]
        assert err["fields"][0]["field"] == "body.files.1"
        assert name in err["message"]
    assert file_count(engine) == 0
    assert events(engine, "file.created") == []
    assert stored_blobs(settings) == before


def test_corrupt_image_is_422(team, engine: Engine) -> None:
    noisy = io.BytesIO()
    Image.effect_noise((300, 200), 80).save(noisy, "JPEG")
    for name, broken in (("broken.png", make_image("PNG", (50, 50))[:-30]),
                         ("broken.jpg", noisy.getvalue()[: len(noisy.getvalue()) // 2])):
        res = upload(team.editor.client, team.project_id, [("fine.txt", b"fine"), (name, broken)])
        assert res.status_code == 422, name
        assert res.json()["error"]["fields"][0]["field"] == "body.files.1"
        assert name in res.json()["error"]["message"]
    assert file_count(engine) == 0


def test_invalid_utf8_names_file_and_line(team, engine: Engine) -> None:
    latin1 = "line one\ncafé crème\n".encode("latin-1")
    res = upload(team.editor.client, team.project_id, [("ok.txt", b"fine"), ("old.txt", latin1)])
    assert res.status_code == 422
    err = res.json()["error"]
    assert err["fields"][0]["field"] == "body.files.1"
    assert "old.txt" in err["message"]
    assert "line 2" in err["message"]
    assert file_count(engine) == 0


def test_malformed_jsonl_row_names_line(team, engine: Engine) -> None:
    for data, why in ((b'{"text": "a"}\n{"text": "b",,}\n', "not valid JSON"),
                      (b'{"text": "a"}\n["a list"]\n', "JSON object"),
                      (b'{"text": "a"}\n{"txt": "b"}\n', "'text'")):
        res = upload(team.editor.client, team.project_id, [("rows.jsonl", data)])
        assert res.status_code == 422, res.text
        err = res.json()["error"]
        assert err["fields"][0]["field"] == "body.files.0"
        assert "line 2" in err["message"]
        assert why in err["message"]
    assert file_count(engine) == 0


def test_empty_file_is_422(team) -> None:
    res = upload(team.editor.client, team.project_id, [("empty.txt", b"")])
    assert res.status_code == 422
    assert "empty" in res.json()["error"]["message"]


def test_oversized_file_is_413_and_nothing_written(team, engine: Engine, settings: Settings,
                                                   app_with: Callable[..., FastAPI], client_for) -> None:
    small = client_for(app_with(max_file_bytes=1000), team.editor.token)
    before = stored_blobs(settings)
    res = upload(small, team.project_id, [("ok.txt", b"small"), ("big.txt", b"x" * 1001)])
    assert res.status_code == 413
    assert res.json()["error"]["fields"][0]["field"] == "body.files.1"
    assert "big.txt" in res.json()["error"]["message"]
    assert file_count(engine) == 0
    assert stored_blobs(settings) == before
    assert upload(small, team.project_id, [("ok.txt", b"x" * 1000)]).status_code == 201


def test_too_many_files_is_413(team, engine: Engine, app_with: Callable[..., FastAPI], client_for) -> None:
    few = client_for(app_with(max_files_per_upload=2), team.editor.token)
    res = upload(few, team.project_id, [(f"{i}.txt", f"text {i}".encode()) for i in range(3)])
    assert res.status_code == 413
    assert res.json()["error"]["fields"][0]["field"] == "body.files"
    assert file_count(engine) == 0


def test_form_fields_are_checked(team, engine: Engine) -> None:
    pid = team.project_id
    res = upload(team.editor.client, pid, [("a.txt", b"a")], colour="red")
    assert res.status_code == 422
    assert res.json()["error"]["fields"][0]["field"] == "body.colour"
    res = upload(team.editor.client, pid, [("a.txt", b"a")], metadata="[1, 2]")
    assert res.status_code == 422
    assert res.json()["error"]["fields"][0]["field"].startswith("body.metadata")
    res = upload(team.editor.client, pid, [("a.txt", b"a")], metadata="{not json")
    assert res.status_code == 422
    blank = upload(team.editor.client, pid, [("a.txt", b"a")], metadata="", dataset_id="")
    assert blank.status_code == 201, blank.text
    res = team.editor.client.post(f"/api/v1/projects/{pid}/files", data={"text_field": "t"})
    assert res.status_code == 422
    assert res.json()["error"]["fields"][0]["field"] == "body.files"
    assert file_count(engine) == 1


def test_upload_into_a_dataset(team, engine: Engine) -> None:
    pid = team.project_id
    ds = team.editor.client.post(f"/api/v1/projects/{pid}/datasets", json={"name": "night"}).json()
    res = upload(team.editor.client, pid, [("a.txt", b"one"), ("b.txt", b"two")], dataset_id=str(ds["id"]))
    assert res.status_code == 201, res.text
    listed = team.viewer.client.get(f"/api/v1/projects/{pid}/datasets/{ds['id']}/files").json()["items"]
    assert sorted(f["name"] for f in listed) == ["a.txt", "b.txt"]
    assert events(engine, "dataset.files_added")[0]["count"] == 2
    res = upload(team.editor.client, pid, [("c.txt", b"three")], dataset_id="999999")
    assert res.status_code == 422
    assert res.json()["error"]["fields"][0]["field"] == "body.dataset_id"
    assert file_count(engine) == 2


def test_roles_for_upload(team, engine: Engine) -> None:
    for who, code in (("viewer", 403), ("annotator", 403), ("outsider", 404)):
        res = upload(team.by_role(who).client, team.project_id, [("a.txt", b"a")])
        assert res.status_code == code
    assert file_count(engine) == 0


def test_concurrent_uploads_of_the_same_bytes_make_one_file(team, live_server: str, engine: Engine) -> None:
    png = make_image("PNG", (33, 33), color=(9, 9, 9))
    headers = {"Authorization": f"Bearer {team.editor.token}"}

    def send(i: int) -> httpx.Response:
        with httpx.Client(base_url=live_server, headers=headers, timeout=60) as c:
            return c.post(f"/api/v1/projects/{team.project_id}/files",
                          files=[("files", (f"{i}.png", png)), ("files", (f"{i}.txt", f"own {i}".encode()))])

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(send, range(6)))
    assert [r.status_code for r in results] == [201] * 6, [r.text for r in results]
    statuses = [r.json()["items"][0]["status"] for r in results]
    assert statuses.count("created") == 1
    assert len({r.json()["items"][0]["file"]["id"] for r in results}) == 1
    assert file_count(engine) == 7
    assert len(events(engine, "file.created")) == 7
