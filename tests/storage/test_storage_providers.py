"""Each cloud against its real local server: connect, import by reference, signed URL, proxy, export."""

from __future__ import annotations

import logging
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from storage_helpers import (
    DEEP_PNG,
    GIF,
    JPEG,
    PNG,
    TEXT,
    Provider,
    assert_secret_absent,
    base,
    connect,
    run_import,
    stored_credentials,
)

from backend.config import Settings
from backend.events.models import Event
from backend.files.models import File
from backend.storage_connections.service import write_to_connection
from tests.conftest import Team


def _fill(provider: Provider, bucket: str) -> None:
    provider.put(bucket, "cams/a.png", PNG)
    provider.put(bucket, "cams/b.jpg", JPEG)
    provider.put(bucket, "cams/note.txt", TEXT)
    provider.put(bucket, "cams/anim.gif", GIF)
    provider.put(bucket, "cams/rows.jsonl", b'{"text": "one"}\n')
    provider.put(bucket, "cams/night/c.png", DEEP_PNG)
    provider.put(bucket, "other/x.png", PNG)


def _originals(settings: Settings) -> set[Path]:
    """Every non-thumbnail file in local media storage."""
    return {p for p in settings.media_dir.rglob("*") if p.is_file() and "thumbs" not in p.parts}


def test_connect_stores_credentials_encrypted_and_never_returns_them(
        team: Team, provider: Provider, engine: Engine) -> None:
    bucket = provider.make_bucket()
    with provider.enforce_credentials():
        created = connect(team.admin.client, team.project_id, provider.body(bucket, prefix="cams/"))
    assert created["has_credentials"] is True and "credentials" not in created
    listed = team.admin.client.get(base(team.project_id)).json()
    one = team.admin.client.get(f"{base(team.project_id)}/{created['id']}").json()
    assert [c["id"] for c in listed["items"]] == [created["id"]] and one["bucket"] == bucket
    sealed = stored_credentials(engine)
    assert len(sealed) == 1
    assert_secret_absent(provider.secret, str(created), str(listed), str(one), sealed[0])


def test_wrong_credentials_are_a_clear_422_and_leak_nowhere(
        team: Team, provider: Provider, engine: Engine, caplog: pytest.LogCaptureFixture) -> None:
    bucket = provider.make_bucket()
    caplog.set_level(logging.DEBUG)
    with provider.enforce_credentials():
        r = team.admin.client.post(base(team.project_id),
                                   json=provider.body(bucket, credentials=provider.wrong_credentials))
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["fields"][0]["field"] == "body.credentials"
    assert "refused the credentials" in error["message"]
    assert_secret_absent(provider.wrong_secret, r.text, caplog.text)
    assert stored_credentials(engine) == []


def test_missing_bucket_is_a_422_on_bucket(team: Team, provider: Provider) -> None:
    r = team.admin.client.post(base(team.project_id), json=provider.body("gw-no-such-bucket"))
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["fields"][0]["field"] == "body.bucket"
    assert "does not exist" in error["message"]


def test_import_by_reference_then_serve_through_a_signed_url(
        team: Team, provider: Provider, settings: Settings, engine: Engine) -> None:
    bucket = provider.make_bucket()
    _fill(provider, bucket)
    conn = connect(team.admin.client, team.project_id, provider.body(bucket, prefix="cams/"))
    originals_before = _originals(settings)
    result = run_import(team.admin.client, team.project_id, conn["id"], metadata={"site": "north"})

    assert result["listed"] == 6 and result["created"] == 4 and result["skipped"] == 2
    reasons = {e["key"]: e["reason"] for e in result["errors"]}
    assert "GIF" in reasons["cams/anim.gif"] and "JSON Lines" in reasons["cams/rows.jsonl"]
    files = {i["key"]: i["file"] for i in result["items"]}
    assert set(files) == {"cams/a.png", "cams/b.jpg", "cams/note.txt", "cams/night/c.png"}
    png = files["cams/a.png"]
    assert (png["width"], png["height"], png["mime_type"]) == (40, 30, "image/png")
    assert png["metadata"] == {"site": "north"} and png["source_url"].endswith(f"{bucket}/cams/a.png")
    assert files["cams/note.txt"]["text_length"] == len(TEXT.decode())
    # Nothing copied: only thumbnails are local.
    assert _originals(settings) == originals_before
    for f in files.values():
        h = f["content_hash"]
        if f["kind"] == "image":
            assert (settings.media_dir / "thumbs" / f"p{team.project_id}" / h[:2] / f"{h}.jpg").is_file()
    with Session(engine) as s:
        created_events = s.scalars(select(Event).where(Event.type == "file.created")).all()
        assert len(created_events) == 4
        assert {f.storage_key for f in s.scalars(select(File))} == set(files)

    client = team.viewer.client
    thumb = client.get(png["thumbnail_url"])
    assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/jpeg"
    r = client.get(png["content_url"], follow_redirects=False)
    assert r.status_code == 307 and r.headers["cache-control"] == "private, no-store"
    signed = r.headers["location"]
    assert signed.startswith(provider.endpoint.rsplit("/", 1)[0] if provider.kind == "azure" else provider.endpoint)
    assert httpx.get(signed).content == PNG  # no credentials: the signature is the access
    text = client.get(f"/api/v1/projects/{team.project_id}/files/{files['cams/note.txt']['id']}/text")
    assert text.json()["text"] == TEXT.decode()

    again = run_import(team.admin.client, team.project_id, conn["id"])
    assert (again["created"], again["duplicate"]) == (0, 4)


def test_proxied_media_with_ranges_and_change_detection(team: Team, provider: Provider) -> None:
    bucket = provider.make_bucket()
    provider.put(bucket, "a.jpg", JPEG)
    provider.put(bucket, "b.png", PNG)
    conn = connect(team.admin.client, team.project_id,
                   provider.body(bucket, options={"signed_urls": False}))
    files = {i["key"]: i["file"] for i in run_import(team.admin.client, team.project_id, conn["id"])["items"]}
    url = files["a.jpg"]["content_url"]
    client = team.viewer.client

    whole = client.get(url)
    assert whole.status_code == 200 and whole.content == JPEG
    assert whole.headers["etag"] == f'"{files["a.jpg"]["content_hash"]}"'
    part = client.get(url, headers={"Range": "bytes=2-9"})
    assert part.status_code == 206 and part.content == JPEG[2:10]
    assert part.headers["content-range"] == f"bytes 2-9/{len(JPEG)}"
    assert client.get(url, headers={"Range": f"bytes={len(JPEG)}-"}).status_code == 416
    assert client.get(url, headers={"If-None-Match": whole.headers["etag"]}).status_code == 304

    provider.put(bucket, "a.jpg", JPEG + b"tail")  # changed in the bucket behind our back
    changed = client.get(url)
    assert changed.status_code == 409 and "changed in the bucket" in changed.json()["error"]["message"]
    provider.remove(bucket, "b.png")
    gone = client.get(files["b.png"]["content_url"])
    assert gone.status_code == 409 and "no longer exists" in gone.json()["error"]["message"]


def test_export_writes_to_the_bucket(team: Team, provider: Provider, engine: Engine, settings: Settings) -> None:
    bucket = provider.make_bucket()
    conn = connect(team.admin.client, team.project_id, provider.body(bucket, prefix="exports/"))
    payload = [b'{"images": [], ', b'"annotations": []}' * 1000]
    with Session(engine) as s:
        info = write_to_connection(s, conn["id"], "run-1/coco.json", payload, settings=settings,
                                   project_id=team.project_id, content_type="application/json")
    assert info.key == "exports/run-1/coco.json" and info.size == len(b"".join(payload))
    assert provider.get(bucket, "exports/run-1/coco.json") == b"".join(payload)


def test_test_endpoint_checks_list_read_sign_and_write(team: Team, provider: Provider) -> None:
    bucket = provider.make_bucket()
    provider.put(bucket, "in/a.png", PNG)
    conn = connect(team.admin.client, team.project_id, provider.body(bucket, prefix="in/"))
    r = team.admin.client.post(f"{base(team.project_id)}/{conn['id']}/test", json={"write": True})
    assert r.status_code == 200, r.text
    checks = {c["name"]: c for c in r.json()["checks"]}
    assert r.json()["ok"] is True, checks
    assert set(checks) == {"list", "read", "sign", "write"}
    assert "fetched successfully" in checks["sign"]["message"]


def test_import_pages_with_a_continuation_token(team: Team, provider: Provider) -> None:
    bucket = provider.make_bucket()
    for i in range(5):
        provider.put(bucket, f"p/{i}.txt", f"text number {i}".encode())
    provider.put(bucket, "p/sub/deeper.txt", b"deeper text")
    conn = connect(team.admin.client, team.project_id, provider.body(bucket))
    first = run_import(team.admin.client, team.project_id, conn["id"], prefix="p/", recursive=False, limit=3)
    assert first["listed"] == 3 and first["next_token"]
    rest = run_import(team.admin.client, team.project_id, conn["id"], prefix="p/", recursive=False,
                      continuation_token=first["next_token"])
    keys = [i["key"] for i in first["items"] + rest["items"]]
    assert sorted(keys) == [f"p/{i}.txt" for i in range(5)] and rest["next_token"] is None
