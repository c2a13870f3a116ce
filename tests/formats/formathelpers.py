"""Helpers for format tests: a project with images, texts and annotations made through the API, and
shortcuts that start an export or import, run the background job as ``serve`` would, and read the result."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from backend.core.db import make_session_factory
from backend.exports.job import EXPORTS
from backend.imports.job import IMPORTS
from backend.jobs.runner import JobRunner
from tests.conftest import Team
from tests.files.filehelpers import make_image, upload

VISION = {
    "name": "vision",
    "labels": [
        {"name": "car", "color": "#1f77b4", "annotation_types": ["box", "polygon", "point"]},
        {"name": "person", "color": "#ff7f0e", "annotation_types": ["box", "keypoints"],
         "keypoint_names": ["head", "left_hand", "right_hand"]},
        {"name": "pedestrian", "color": "#2ca02c", "annotation_types": ["box", "polygon"]},
        {"name": "indoor", "color": "#d62728", "annotation_types": ["tag"]},
    ],
    "attributes": [
        {"name": "occluded", "kind": "boolean", "scope": "instance"},
        {"name": "make", "kind": "select", "scope": "instance", "options": ["vw", "fiat"], "label_names": ["car"]},
    ],
}
TEXTS = {
    "name": "texts",
    "labels": [
        {"name": "PER", "color": "#111111", "annotation_types": ["span"]},
        {"name": "ORG", "color": "#222222", "annotation_types": ["span"]},
        {"name": "sports", "color": "#333333", "annotation_types": ["tag"]},
        {"name": "politics", "color": "#444444", "annotation_types": ["tag"]},
    ],
    "attributes": [{"name": "tone", "kind": "select", "scope": "file", "options": ["calm", "angry"]}],
}


def run_jobs(app: FastAPI) -> int:
    """Run every pending export and import job, as the loop inside ``serve`` does; how many ran."""
    engine = app.state.engine
    runner = JobRunner(app.state.settings, make_session_factory(engine), app.state.storage, [EXPORTS, IMPORTS],
                       make_session_factory(engine, readonly=True))
    n = 0
    while runner.run_once():
        n += 1
    return n


@dataclass
class Project:
    """A project seen through one client, with its schemas and files by name."""

    app: FastAPI
    client: TestClient
    id: int
    schemas: dict[str, int] = field(default_factory=dict)
    files: dict[str, int] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"/api/v1/projects/{self.id}"

    def schema(self, admin: TestClient, doc: dict[str, Any]) -> int:
        res = admin.post(f"{self.base}/schemas", json=doc)
        assert res.status_code == 201, res.text
        self.schemas[doc["name"]] = res.json()["id"]
        return int(res.json()["id"])

    def images(self, specs: list[tuple[str, int, int]]) -> None:
        """Upload PNGs (name, width, height); each gets distinct pixels."""
        parts = [(name, make_image("PNG", (w, h), color=(10 + 7 * len(self.files) + i, 20, 30)))
                 for i, (name, w, h) in enumerate(specs)]
        self._upload(parts)

    def texts(self, texts: dict[str, str]) -> None:
        self._upload([(name, body.encode()) for name, body in texts.items()])

    def _upload(self, parts: list[tuple[str, bytes]]) -> None:
        res = upload(self.client, self.id, parts)  # type: ignore[arg-type]
        assert res.status_code == 201, res.text
        for item in res.json()["items"]:
            self.files[item["file"]["name"]] = item["file"]["id"]

    def annotate(self, schema: str, by_file: dict[str, list[dict[str, Any]]]) -> None:
        body = {"schema_id": self.schemas[schema],
                "files": [{"file_id": self.files[name], "annotations": anns} for name, anns in by_file.items()]}
        res = self.client.post(f"{self.base}/annotations/bulk", json=body)
        assert res.status_code == 200, res.text

    def annotations(self, name: str) -> list[dict[str, Any]]:
        res = self.client.get(f"{self.base}/files/{self.files[name]}/annotations", params={"limit": 1000})
        assert res.status_code == 200, res.text
        return list(res.json()["items"])

    def export(self, **body: Any) -> dict[str, Any]:
        """Start an export, run it, return the finished job (asserting it succeeded)."""
        res = self.client.post(f"{self.base}/exports", json=body)
        assert res.status_code == 202, res.text
        run_jobs(self.app)
        job = self.client.get(f"{self.base}/exports/{res.json()['id']}").json()
        assert job["status"] == "succeeded", job
        return dict(job)

    def download(self, job: dict[str, Any]) -> bytes:
        res = self.client.get(job["download_url"])
        assert res.status_code == 200, res.text
        return res.content

    def export_bytes(self, **body: Any) -> bytes:
        return self.download(self.export(**body))

    def start_import(self, data: bytes, filename: str, fmt: str, schema: str, *,
                     images: list[tuple[str, bytes]] | None = None, **options: Any) -> dict[str, Any]:
        files: list[tuple[str, tuple[str, bytes]]] = [("file", (filename, data))]
        files += [("images", img) for img in images or []]
        form = {"format": fmt, "schema_id": str(self.schemas[schema]),
                **{k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in options.items()}}
        res = self.client.post(f"{self.base}/imports", files=files, data=form)
        assert res.status_code == 202, res.text
        return dict(res.json())

    def run_import(self, data: bytes, filename: str, fmt: str, schema: str, **kwargs: Any) -> dict[str, Any]:
        """Start an import, run it, return the finished job (whatever its status)."""
        job = self.start_import(data, filename, fmt, schema, **kwargs)
        run_jobs(self.app)
        return dict(self.client.get(f"{self.base}/imports/{job['id']}").json())

    def rejections(self, import_id: int) -> list[dict[str, Any]]:
        res = self.client.get(f"{self.base}/imports/{import_id}/rejections", params={"limit": 10000})
        assert res.status_code == 200, res.text
        return list(res.json()["items"])


def project_of(team: Team, app: FastAPI) -> Project:
    """The team's project seen by its editor, with both schemas."""
    p = Project(app, team.editor.client, team.project_id)
    p.schema(team.admin.client, VISION)
    p.schema(team.admin.client, TEXTS)
    return p


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def box(x: float, y: float, w: float, h: float, label: str = "car", **extra: Any) -> dict[str, Any]:
    return {"type": "box", "label": label, "geometry": {"x": x, "y": y, "w": w, "h": h}, **extra}


def polygon(points: list[list[float]], label: str = "car", **extra: Any) -> dict[str, Any]:
    return {"type": "polygon", "label": label, "geometry": {"points": points}, **extra}


def dumps(value: Any) -> bytes:
    return json.dumps(value).encode()


def second_project(team: Team, app: FastAPI) -> Project:
    """Another project of the team's admin, with the same schemas."""
    res = team.admin.client.post("/api/v1/projects", json={"name": "Second project"})
    assert res.status_code == 201, res.text
    p = Project(app, team.admin.client, res.json()["id"])
    p.schema(team.admin.client, VISION)
    p.schema(team.admin.client, TEXTS)
    return p
