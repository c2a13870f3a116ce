"""Who may export and import; exports written to an S3 bucket (moto's real S3 server); by-reference media."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine

from tests.conftest import Team
from tests.files.filehelpers import make_image
from tests.formats.formathelpers import Project, box, run_jobs, second_project, unzip
from tests.storage.storage_servers import MotoS3


def test_viewers_export_editors_import_outsiders_see_nothing(proj: Project, team: Team, app: FastAPI) -> None:
    schema = proj.schemas["vision"]
    proj.images([("a.png", 40, 30)])
    body = {"format": "coco", "schema_id": schema}
    viewer = team.viewer.client.post(f"{proj.base}/exports", json=body)
    assert viewer.status_code == 202
    assert team.annotator.client.post(f"{proj.base}/exports", json=body).status_code == 403
    assert team.outsider.client.post(f"{proj.base}/exports", json=body).status_code == 404
    run_jobs(app)
    job = team.viewer.client.get(f"{proj.base}/exports/{viewer.json()['id']}").json()
    assert job["status"] == "succeeded" and job["created_by_id"] == team.viewer.user.id
    assert team.viewer.client.get(job["download_url"]).status_code == 200
    assert team.outsider.client.get(job["download_url"]).status_code == 404
    assert team.annotator.client.get(f"{proj.base}/exports/{job['id']}").status_code == 403

    other = second_project(team, app)  # the admin's other project: its export is not found through this one
    theirs = other.export(format="jsonl")
    assert team.admin.client.get(f"{proj.base}/exports/{theirs['id']}").status_code == 404
    assert team.admin.client.get(f"{proj.base}/exports/{theirs['id']}/download").status_code == 404

    form = {"format": "coco", "schema_id": str(schema)}
    upload = [("file", ("x.json", b'{"images": [], "categories": [], "annotations": []}'))]
    assert team.viewer.client.post(f"{proj.base}/imports", files=upload, data=form).status_code == 403
    assert team.outsider.client.post(f"{proj.base}/imports", files=upload, data=form).status_code == 404
    assert team.editor.client.post(f"{proj.base}/imports", files=upload, data=form).status_code == 202
    assert team.viewer.client.get(f"{proj.base}/imports").json()["items"][0]["format"] == "coco"
    # a viewer may delete their own export, not others'
    assert team.viewer.client.delete(f"{proj.base}/exports/{job['id']}").status_code == 204
    mine = proj.export(format="jsonl")
    assert team.viewer.client.delete(f"{proj.base}/exports/{mine['id']}").status_code == 403


def test_download_waits_for_success(proj: Project) -> None:
    res = proj.client.post(f"{proj.base}/exports", json={"format": "jsonl"})
    download = proj.client.get(f"{proj.base}/exports/{res.json()['id']}/download")
    assert download.status_code == 409 and download.json()["error"]["detail"] == {"status": "pending"}
    assert res.json()["download_url"] is None and res.json()["progress"] == {"done": 0, "total": 0}


def test_a_role_lost_while_waiting_fails_the_export(proj: Project, team: Team, app: FastAPI, engine: Engine) -> None:
    res = team.viewer.client.post(f"{proj.base}/exports", json={"format": "jsonl"})
    assert team.admin.client.delete(f"{proj.base}/members/{team.viewer.user.id}").status_code == 204
    run_jobs(app)
    job = team.admin.client.get(f"{proj.base}/exports/{res.json()['id']}").json()
    assert job["status"] == "failed" and "may no longer make it" in job["error"]


@pytest.fixture
def bucket(moto_server: MotoS3, private_endpoints: None, team: Team) -> tuple[str, int]:
    """A fresh bucket and the project's connection to it (made by the admin)."""
    name = f"gw-exports-{datetime.now(UTC).strftime('%H%M%S%f')}"
    moto_server.client().create_bucket(Bucket=name)
    res = team.admin.client.post(f"/api/v1/projects/{team.project_id}/storage-connections", json={
        "name": "exports", "kind": "s3", "bucket": name, "prefix": "groundwork/", "endpoint_url": moto_server.endpoint,
        "credentials": {"access_key_id": moto_server.access_key_id,
                        "secret_access_key": moto_server.secret_access_key}})
    assert res.status_code == 201, res.text
    return name, int(res.json()["id"])


def test_export_to_an_s3_bucket(proj: Project, team: Team, app: FastAPI, moto_server: MotoS3,
                                bucket: tuple[str, int], engine: Engine) -> None:
    name, connection = bucket
    schema = proj.schemas["vision"]
    proj.images([("a.png", 40, 30), ("b.png", 40, 30)])
    proj.annotate("vision", {"a.png": [box(1, 2, 3, 4)]})
    as_of = datetime.now(UTC).isoformat()
    body = {"format": "yolo", "schema_id": schema, "as_of": as_of, "destination": "storage",
            "connection_id": connection, "prefix": "nightly"}
    assert team.viewer.client.post(f"{proj.base}/exports", json=body).status_code == 403
    job = proj.export(**body)
    key = f"groundwork/nightly/{job['file_name']}"
    assert job["storage"] == {"connection_id": connection, "key": key} and job["download_url"] is None
    stored = moto_server.client().get_object(Bucket=name, Key=key)["Body"].read()
    assert hashlib.sha256(stored).hexdigest() == job["sha256"] and len(stored) == job["size_bytes"]
    downloaded = proj.export(format="yolo", schema_id=schema, as_of=as_of)
    assert downloaded["sha256"] == job["sha256"]  # the same snapshot, wherever it is written
    assert unzip(stored)["labels/a.txt"] == b"0 0.062500 0.133333 0.075000 0.133333\n"
    assert proj.client.get(f"{proj.base}/exports/{job['id']}/download").status_code == 409
    bad = proj.client.post(f"{proj.base}/exports", json={**body, "connection_id": 999})
    assert bad.status_code == 422 and bad.json()["error"]["fields"][0]["field"] == "body.connection_id"


def test_media_of_files_kept_in_a_bucket_is_exported(proj: Project, team: Team, moto_server: MotoS3,
                                                     bucket: tuple[str, int]) -> None:
    name, connection = bucket
    png = make_image("PNG", (30, 20), color=(1, 2, 3))
    moto_server.client().put_object(Bucket=name, Key="groundwork/cams/remote.png", Body=png)
    res = team.admin.client.post(f"{proj.base}/storage-connections/{connection}/import", json={"prefix": "cams/"})
    assert res.status_code == 200, res.text
    file_id = res.json()["items"][0]["file"]["id"]
    proj.files["remote.png"] = file_id
    proj.annotate("vision", {"remote.png": [box(1, 1, 2, 2)]})
    entries = unzip(proj.export_bytes(format="voc", schema_id=proj.schemas["vision"], include_media=True))
    assert entries["JPEGImages/remote.png"] == png
    assert json.loads(proj.export_bytes(format="jsonl"))["file"]["id"] == file_id
