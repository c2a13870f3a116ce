"""Helpers of the ML block tests: a project as blocks see it (step contexts over real HTTP), schemas, tokens."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import FastAPI

from backend.auth import service as auth_service
from backend.auth.schemas import TokenCreate
from backend.config import Settings
from backend.core.db import make_session_factory, transaction
from workflow_service.backend_api import BackendAPI
from workflow_service.blocks.base import Item, StepContext

TOPICS_SCHEMA: dict[str, Any] = {
    "name": "topics",
    "labels": [{"name": name, "color": color, "annotation_types": ["tag"]}
               for name, color in (("sports", "#1f77b4"), ("cooking", "#ff7f0e"), ("finance", "#2ca02c"))],
}
_runs = itertools.count(1)


def next_id() -> int:
    """A number no other call in this test session got (unique names, run ids)."""
    return next(_runs)


@dataclass
class MLProject:
    """A project as the blocks see it: its id, the admin's HTTP client, the service's API client."""

    id: int
    admin: httpx.Client
    api: BackendAPI
    schema_id: int

    def add_label(self, name: str, color: str, annotation_types: tuple[str, ...] = ("tag",)) -> httpx.Response:
        """An admin adds a label to the project's schema; the response (the schema's new revision)."""
        schema = self.admin.get(f"/api/v1/projects/{self.id}/schemas/{self.schema_id}").json()
        labels = [{k: lb[k] for k in ("id", "name", "color", "annotation_types")} for lb in schema["labels"]]
        labels.append({"name": name, "color": color, "annotation_types": list(annotation_types)})
        r = self.admin.put(f"/api/v1/projects/{self.id}/schemas/{self.schema_id}",
                           json={"name": schema["name"], "labels": labels, "revision": schema["revision"]})
        assert r.status_code == 200, r.text
        return r

    def ctx(self, run_id: int | None = None, key: str = "step") -> StepContext:
        """A step context like the executor's (run ids need not exist unless the block reports progress)."""
        return StepContext(self.api, self.id, run_id or next(_runs), key, 1, {})

    def real_run(self) -> int:
        """A run that exists in the backend (for blocks that store artifacts with it)."""
        from workflow_service.blocks.registry import load_registry

        self.api.register_blocks(load_registry(plugins=False).entries())
        source = f"name: checks {next(_runs)}\non: [{{manual: true}}]\nblocks: {{x: {{use: identity}}}}\n" \
                 "workflow: {out: [x, in]}\n"
        r = self.admin.post(f"/api/v1/projects/{self.id}/workflows", json={"source": source})
        assert r.status_code == 201, r.text
        versions = self.api.request("GET", "/service/workflows")
        version_id = next(w["version_id"] for w in versions if w["workflow_id"] == r.json()["id"])
        created = self.api.start_runs([{"workflow_id": r.json()["id"], "version_id": version_id,
                                         "trigger_kind": "manual", "trigger_key": f"manual:{next(_runs)}",
                                         "input": {}}])
        return int(created[0]["run_id"])

    def items(self, *args_per_item: list[Any]) -> list[Item]:
        """One item per argument list, each with its own context."""
        return [Item(self.ctx(), list(args)) for args in args_per_item]

    def upload_texts(self, texts: list[str], meta: list[dict[str, Any]] | None = None) -> list[int]:
        """Upload texts (one file each, metadata per file); their ids in order."""
        if meta is None:  # one request for all
            files = [("files", (f"t{i:04d}.txt", text.encode(), "text/plain")) for i, text in enumerate(texts)]
            r = self.admin.post(f"/api/v1/projects/{self.id}/files", files=files)
            assert r.status_code == 201, r.text
            return [item["file"]["id"] for item in r.json()["items"]]
        ids = []
        for i, text in enumerate(texts):
            files = [("files", (f"t{i:04d}.txt", text.encode(), "text/plain"))]
            r = self.admin.post(f"/api/v1/projects/{self.id}/files", files=files, data={"metadata": _json(meta[i])})
            assert r.status_code == 201, r.text
            ids.append(r.json()["items"][0]["file"]["id"])
        return ids

    def upload_images(self, images: list[bytes]) -> list[int]:
        """Upload PNG images in one request; their ids in order."""
        files = [("files", (f"i{i:04d}.png", data, "image/png")) for i, data in enumerate(images)]
        r = self.admin.post(f"/api/v1/projects/{self.id}/files", files=files)
        assert r.status_code == 201, r.text
        return [item["file"]["id"] for item in r.json()["items"]]

    def annotations(self, file_id: int) -> list[dict[str, Any]]:
        """A file's live annotations."""
        r = self.admin.get(f"/api/v1/projects/{self.id}/files/{file_id}/annotations")
        assert r.status_code == 200, r.text
        return list(r.json()["items"])

    def tag(self, file_id: int, label: str) -> None:
        """A human tag (what an annotator's classification is)."""
        r = self.admin.post(f"/api/v1/projects/{self.id}/files/{file_id}/annotations",
                            json={"type": "tag", "label": label, "schema_id": self.schema_id})
        assert r.status_code == 201, r.text


def _json(value: Any) -> str:
    import json

    return json.dumps(value)


def service_token(app: FastAPI, settings: Settings) -> str:
    """A token of the workflow service's account (editor on every project)."""
    with transaction(make_session_factory(app.state.engine)) as s:
        account = auth_service.create_service_account(s, "workflow-service")
        return auth_service.create_token(s, account, TokenCreate(name="ml tests"), settings.secret_key).secret


ANIMALS_SCHEMA: dict[str, Any] = {
    "name": "animals",
    "labels": [{"name": name, "color": color, "annotation_types": ["tag", "box"]}
               for name, color in (("cat", "#1f77b4"), ("dog", "#ff7f0e"), ("bird", "#2ca02c"))],
}
