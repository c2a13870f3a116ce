"""Storage-connection rules (roles, validation, rotation, deletion, restore, encryption), on moto's S3."""

from __future__ import annotations

import json
import logging
import sys

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session
from storage_helpers import PNG, TEXT, Provider, assert_secret_absent, base, connect, run_import, stored_credentials
from storage_servers import MotoS3

from backend.config import Settings
from backend.core import crypto
from backend.core.errors import NotFound, ValidationFailed
from backend.datasets.models import DatasetFile
from backend.events.models import Event
from backend.files.models import File
from backend.storage_connections.backends.base import Redactor
from backend.storage_connections.media import read_file_bytes
from backend.storage_connections.models import StorageConnection
from backend.storage_connections.service import write_to_connection
from tests.conftest import Team
from tests.netutil import free_port


def _field(r: httpx.Response) -> str:
    return str(r.json()["error"]["fields"][0]["field"])


@pytest.mark.parametrize("role", ["editor", "annotator", "viewer"])
def test_only_admins_manage_connections(team: Team, s3: Provider, role: str) -> None:
    client = team.by_role(role).client
    assert client.post(base(team.project_id), json=s3.body(s3.make_bucket())).status_code == 403
    assert client.get(base(team.project_id)).status_code == 403
    assert team.outsider.client.get(base(team.project_id)).status_code == 404


def test_names_are_unique_per_project(team: Team, s3: Provider) -> None:
    bucket = s3.make_bucket()
    connect(team.admin.client, team.project_id, s3.body(bucket, name="raw"))
    r = team.admin.client.post(base(team.project_id), json=s3.body(bucket, name="raw"))
    assert r.status_code == 409 and _field(r) == "body.name"


@pytest.mark.parametrize(("kind", "credentials", "field"), [
    ("s3", {"access_key_id": "AKIA"}, "body.credentials.secret_access_key"),
    ("s3", {"access_key_id": "AKIA", "secret_access_key": "x", "region": "eu"}, "body.credentials.region"),
    ("gcs", {"service_account": {"client_email": "a@b"}}, "body.credentials.service_account"),
    ("azure", {"connection_string": "x", "account_name": "acct", "account_key": "k"}, "body.credentials"),
    ("azure", {"account_key": "k"}, "body.credentials"),
])
def test_credentials_are_checked_against_the_kind(team: Team, kind: str, credentials: dict[str, object],
                                                 field: str) -> None:
    body = {"name": "c", "kind": kind, "bucket": "b", "credentials": credentials}
    r = team.admin.client.post(base(team.project_id), json=body)
    assert r.status_code == 422 and _field(r) == field, r.text


def test_private_endpoints_need_the_server_setting(team: Team, s3: Provider, settings: Settings,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "storage_private_endpoints", False)
    r = team.admin.client.post(base(team.project_id), json=s3.body(s3.make_bucket()))
    assert r.status_code == 422 and _field(r) == "body.endpoint_url"
    assert "loopback" in r.json()["error"]["message"]
    azure = {"name": "a", "kind": "azure", "bucket": "c", "credentials": {
        "connection_string": "AccountName=x;AccountKey=eA==;BlobEndpoint=http://169.254.169.254/x"}}
    r = team.admin.client.post(base(team.project_id), json=azure)
    assert r.status_code == 422 and _field(r) == "body.credentials.connection_string"


def test_unreachable_endpoint_is_a_422_on_endpoint_url(team: Team, s3: Provider) -> None:
    r = team.admin.client.post(base(team.project_id),
                               json=s3.body("b", endpoint_url=f"http://127.0.0.1:{free_port()}"))
    assert r.status_code == 422 and _field(r) == "body.endpoint_url"
    assert "cannot reach" in r.json()["error"]["message"]


def test_rotating_credentials_is_tested_first(team: Team, s3: Provider, engine: Engine) -> None:
    conn = connect(team.admin.client, team.project_id, s3.body(s3.make_bucket()))
    url = f"{base(team.project_id)}/{conn['id']}"
    before = stored_credentials(engine)
    with s3.enforce_credentials():
        bad = team.admin.client.patch(url, json={"credentials": s3.wrong_credentials})
        assert bad.status_code == 422 and _field(bad) == "body.credentials"
        assert stored_credentials(engine) == before
        good = team.admin.client.patch(url, json={"credentials": s3.credentials,
                                                  "options": {"signed_urls": False}})
    assert good.status_code == 200, good.text
    assert good.json()["options"] == {"signed_urls": False} and good.json()["has_credentials"] is True
    assert stored_credentials(engine) != before  # sealed again (Fernet tokens are never equal)


def test_delete_is_refused_while_files_reference_the_connection(team: Team, s3: Provider, engine: Engine) -> None:
    bucket = s3.make_bucket()
    s3.put(bucket, "a.png", PNG)
    conn = connect(team.admin.client, team.project_id, s3.body(bucket))
    file_id = run_import(team.admin.client, team.project_id, conn["id"])["items"][0]["file"]["id"]
    url = f"{base(team.project_id)}/{conn['id']}"
    r = team.admin.client.delete(url)
    assert r.status_code == 409 and "1 file(s)" in r.json()["error"]["message"]
    assert team.admin.client.delete(f"/api/v1/projects/{team.project_id}/files/{file_id}").status_code == 204
    assert team.admin.client.delete(url).status_code == 204
    with Session(engine) as s:
        f = s.get(File, file_id)
        assert f is not None and f.storage_connection_id is None  # detached: an upload of the bytes restores it
        assert s.scalar(select(Event).where(Event.type == "storage_connection.deleted")) is not None


def test_uploading_the_bytes_of_a_deleted_reference_restores_it_locally(team: Team, s3: Provider) -> None:
    bucket = s3.make_bucket()
    s3.put(bucket, "a.png", PNG)
    conn = connect(team.admin.client, team.project_id, s3.body(bucket))
    file_id = run_import(team.admin.client, team.project_id, conn["id"])["items"][0]["file"]["id"]
    files = f"/api/v1/projects/{team.project_id}/files"
    team.admin.client.delete(f"{files}/{file_id}")
    s3.remove(bucket, "a.png")  # gone from the bucket too
    r = team.editor.client.post(files, files=[("files", ("again.png", PNG, "image/png"))])
    assert r.json()["items"][0]["status"] == "restored" and r.json()["items"][0]["file"]["id"] == file_id
    content = team.editor.client.get(f"{files}/{file_id}/content", follow_redirects=False)
    assert content.status_code == 200 and content.content == PNG


def test_import_into_a_dataset_and_refuse_a_foreign_one(team: Team, s3: Provider, engine: Engine) -> None:
    bucket = s3.make_bucket()
    s3.put(bucket, "t.txt", TEXT)
    conn = connect(team.admin.client, team.project_id, s3.body(bucket))
    url = f"{base(team.project_id)}/{conn['id']}/import"
    bad = team.admin.client.post(url, json={"dataset_id": 999})
    assert bad.status_code == 422 and _field(bad) == "body.dataset_id"
    ds = team.admin.client.post(f"/api/v1/projects/{team.project_id}/datasets", json={"name": "bucket"}).json()
    result = run_import(team.admin.client, team.project_id, conn["id"], dataset_id=ds["id"])
    with Session(engine) as s:
        assert s.scalars(select(DatasetFile.file_id)).all() == [result["items"][0]["file"]["id"]]


def test_anonymous_connection_is_proxied(team: Team, s3: Provider, moto_s3: MotoS3) -> None:
    bucket = s3.make_bucket()
    s3.put(bucket, "a.png", PNG)
    moto_s3.client().put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}]}))
    conn = connect(team.admin.client, team.project_id, s3.body(bucket, credentials=None))
    assert conn["has_credentials"] is False
    result = run_import(team.admin.client, team.project_id, conn["id"])
    assert result["created"] == 1, result["errors"]
    item = result["items"][0]
    r = team.viewer.client.get(item["file"]["content_url"], follow_redirects=False)
    assert r.status_code == 200, r.text
    assert r.content == PNG  # cannot sign without credentials: streamed


def test_credentials_sealed_with_another_secret_key_say_so(team: Team, s3: Provider, settings: Settings,
                                                          engine: Engine) -> None:
    conn = connect(team.admin.client, team.project_id, s3.body(s3.make_bucket()))
    other = settings.model_copy(update={"secret_key": "another-secret-key-another-secret-key-0"})
    with engine.begin() as db:  # as if the server's secret key had changed since the connection was made
        db.execute(update(StorageConnection).values(
            credentials_encrypted=crypto.encrypt(other, "{}", purpose="storage credentials")))
    r = team.admin.client.post(f"{base(team.project_id)}/{conn['id']}/test")
    assert r.status_code == 502 and "enter the connection's credentials again" in r.json()["error"]["message"]


def test_write_to_connection_checks_key_and_project(team: Team, s3: Provider, engine: Engine,
                                                   settings: Settings) -> None:
    conn = connect(team.admin.client, team.project_id, s3.body(s3.make_bucket()))
    with Session(engine) as s:
        with pytest.raises(ValidationFailed):
            write_to_connection(s, conn["id"], "../escape.json", [b"{}"], settings=settings)
        with pytest.raises(NotFound):
            write_to_connection(s, conn["id"], "x.json", [b"{}"], settings=settings, project_id=team.project_id + 1)


def test_missing_sdk_is_a_clear_422(team: Team, s3: Provider, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "backend.storage_connections.backends.s3", raising=False)
    monkeypatch.setitem(sys.modules, "boto3", None)  # what an install without the extra looks like
    r = team.admin.client.post(base(team.project_id), json=s3.body(s3.make_bucket()))
    assert r.status_code == 422 and _field(r) == "body.kind"
    assert "groundwork[storage]" in r.json()["error"]["message"]


def test_redactor_removes_known_secrets_and_signature_shapes() -> None:
    redact = Redactor(["hunter2-secret"])
    text = ("bad key hunter2-secret at https://b.example/k?X-Amz-Signature=abcdef&X-Amz-Credential=AKIA/x "
            "AccountKey=Zm9vYmFy;sig=abc Bearer ya29.token "
            "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----")
    out = redact(text)
    for secret in ("hunter2-secret", "abcdef", "AKIA/x", "Zm9vYmFy", "sig=abc", "ya29.token", "MIIE"):
        assert secret not in out


def test_crypto_is_bound_to_key_and_purpose(settings: Settings) -> None:
    sealed = crypto.encrypt(settings, "s3cr3t", purpose="storage credentials")
    assert "s3cr3t" not in sealed
    assert crypto.decrypt(settings, sealed, purpose="storage credentials") == "s3cr3t"
    with pytest.raises(crypto.SecretUnreadable):
        crypto.decrypt(settings, sealed, purpose="webhook secrets")
    with pytest.raises(crypto.SecretUnreadable):
        crypto.decrypt(settings.model_copy(update={"secret_key": "x" * 40}), sealed, purpose="storage credentials")


def test_importing_again_restores_a_deleted_reference_at_its_new_key(team: Team, s3: Provider) -> None:
    bucket = s3.make_bucket()
    s3.put(bucket, "old/a.png", PNG)
    conn = connect(team.admin.client, team.project_id, s3.body(bucket))
    file_id = run_import(team.admin.client, team.project_id, conn["id"])["items"][0]["file"]["id"]
    team.admin.client.delete(f"/api/v1/projects/{team.project_id}/files/{file_id}")
    s3.remove(bucket, "old/a.png")
    s3.put(bucket, "new/a.png", PNG)  # the same bytes, moved
    again = run_import(team.admin.client, team.project_id, conn["id"])
    assert [(i["key"], i["status"], i["file"]["id"]) for i in again["items"]] == [("new/a.png", "restored", file_id)]
    signed = team.viewer.client.get(again["items"][0]["file"]["content_url"], follow_redirects=False)
    assert signed.status_code == 307 and "/new/a.png" in signed.headers["location"]
    assert httpx.get(signed.headers["location"]).content == PNG


def test_serving_errors_leak_no_secret(team: Team, s3: Provider, settings: Settings, engine: Engine,
                                       caplog: pytest.LogCaptureFixture) -> None:
    bucket = s3.make_bucket()
    s3.put(bucket, "a.png", PNG)
    conn = connect(team.admin.client, team.project_id, s3.body(bucket, options={"signed_urls": False}))
    url = run_import(team.admin.client, team.project_id, conn["id"])["items"][0]["file"]["content_url"]
    sealed = crypto.encrypt(settings, json.dumps(s3.wrong_credentials), purpose="storage credentials")
    with engine.begin() as db:  # the key was rotated at the provider, not here
        db.execute(update(StorageConnection).values(credentials_encrypted=sealed))
    caplog.set_level(logging.DEBUG)
    with s3.enforce_credentials():
        r = team.viewer.client.get(url)
    assert r.status_code == 502 and "refused the credentials" in r.json()["error"]["message"]
    assert_secret_absent(s3.wrong_secret, r.text, caplog.text)


def test_read_file_bytes_reads_local_and_referenced_files(team: Team, s3: Provider, engine: Engine,
                                                         settings: Settings, app: FastAPI) -> None:
    bucket = s3.make_bucket()
    s3.put(bucket, "note.txt", TEXT)
    conn = connect(team.admin.client, team.project_id, s3.body(bucket))
    remote_id = run_import(team.admin.client, team.project_id, conn["id"])["items"][0]["file"]["id"]
    up = team.editor.client.post(f"/api/v1/projects/{team.project_id}/files",
                                 files=[("files", ("local.png", PNG, "image/png"))])
    local_id = up.json()["items"][0]["file"]["id"]
    with Session(engine) as s:
        for file_id, expected in ((remote_id, TEXT), (local_id, PNG)):
            f = s.get(File, file_id)
            assert f is not None
            assert read_file_bytes(s, settings, app.state.storage, f) == expected
