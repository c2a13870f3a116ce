"""Import from URL through the API: a real local HTTP server, and the SSRF guard's default refusals."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi import FastAPI
from filehelpers import events, file_count, make_image
from sqlalchemy import Engine


def _url(team) -> str:
    return f"/api/v1/projects/{team.project_id}/files/import-url"


def test_import_image_and_text_from_local_server(team, web, engine: Engine, app_with: Callable[..., FastAPI],
                                                 client_for) -> None:
    server = web("127.0.0.1")
    jpeg = make_image("JPEG", (90, 60))
    server.blobs["cat.jpg"] = (jpeg, {"Content-Type": "image/jpeg"})
    server.blobs["t"] = ("bonjour à tous".encode(), {"Content-Disposition": 'attachment; filename="greeting.txt"'})
    client = client_for(app_with(allow_private_urls=True), team.editor.token)
    res = client.post(_url(team), json={"url": f"{server.base}/redirect?to=/file/cat.jpg",
                                        "metadata": {"source": "web"}})
    assert res.status_code == 201, res.text
    item = res.json()["items"][0]
    f = item["file"]
    assert (item["status"], f["kind"], f["name"], f["width"], f["height"]) == ("created", "image", "cat.jpg", 90, 60)
    assert f["metadata"] == {"source": "web"}
    assert f["source_url"] == f"{server.base}/redirect?to=/file/cat.jpg"
    assert client.get(f["content_url"]).content == jpeg
    assert client.get(f["thumbnail_url"]).status_code == 200
    text = client.post(_url(team), json={"url": f"{server.base}/file/t"}).json()["items"][0]["file"]
    assert (text["kind"], text["name"], text["text_length"]) == ("text", "greeting.txt", len("bonjour à tous"))
    named = client.post(_url(team), json={"url": f"{server.base}/file/cat.jpg", "name": "mine.jpg"}).json()
    assert named["items"][0]["status"] == "duplicate"
    assert file_count(engine) == 2
    assert len(events(engine, "file.created")) == 2


def test_import_errors_name_the_url(team, web, engine: Engine, app_with: Callable[..., FastAPI],
                                    client_for) -> None:
    server = web("127.0.0.1")
    server.blobs["big.txt"] = (b"z" * 500, {})
    server.blobs["x.pdf"] = (b"%PDF-1.4\n" + b"\x00" * 64, {})
    client = client_for(app_with(allow_private_urls=True, max_file_bytes=100, url_import_timeout_s=0.5),
                        team.editor.token)
    for path, code in (("/file/big.txt", 413), ("/file/x.pdf", 415), ("/file/none", 422), ("/slow", 422)):
        res = client.post(_url(team), json={"url": server.base + path})
        assert res.status_code == code, (path, res.text)
        assert res.json()["error"]["fields"][0]["field"] == "body.url"
    assert file_count(engine) == 0


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:9/x.jpg", "http://localhost/x.jpg", "http://10.0.0.1/x.jpg",
    "http://169.254.169.254/latest/meta-data/", "http://[::1]/x.jpg", "http://[::ffff:127.0.0.1]/",
    "http://100.64.1.1/", "file:///etc/passwd", "ftp://example.com/x.jpg",
])
def test_default_settings_refuse_private_addresses(team, engine: Engine, url: str) -> None:
    res = team.editor.client.post(_url(team), json={"url": url})
    assert res.status_code == 422, res.text
    err = res.json()["error"]
    assert err["fields"][0]["field"] == "body.url"
    assert "refused" in err["message"] or "only http" in err["message"]
    assert file_count(engine) == 0


def test_default_settings_refuse_the_local_server(team, web) -> None:
    server = web("127.0.0.1")
    server.blobs["a.txt"] = (b"secret", {})
    res = team.editor.client.post(_url(team), json={"url": f"{server.base}/file/a.txt"})
    assert res.status_code == 422
    assert server.hits == []


def test_import_needs_editor_and_a_clean_body(team) -> None:
    assert team.viewer.client.post(_url(team), json={"url": "http://example.com/"}).status_code == 403
    assert team.annotator.client.post(_url(team), json={"url": "http://example.com/"}).status_code == 403
    res = team.editor.client.post(_url(team), json={"url": "http://example.com/", "colour": 1})
    assert res.status_code == 422
    assert res.json()["error"]["fields"][0]["field"] == "body.colour"
