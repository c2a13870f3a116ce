"""A project built through the API whose expected state is also tracked in plain Python.

Every write goes through the HTTP API (bulk, PATCH, DELETE) and is mirrored in ``FileState``; the
battery's expected answers are computed from those mirrors, never from SQL.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fastapi import FastAPI

from backend.core.db import make_session_factory, transaction
from backend.files.models import File, FileKind
from tests.conftest import Actor
from tests.factories import add_task

MISSING = object()

OBJECTS = {
    "name": "objects",
    "labels": [
        {"name": "car", "color": "#1f77b4", "annotation_types": ["box", "point"]},
        {"name": "pedestrian", "color": "#ff7f0e", "annotation_types": ["box"]},
        {"name": "traffic light", "color": "#2ca02c", "annotation_types": ["box"]},
        {"name": "indoor", "color": "#d62728", "annotation_types": ["tag"]},
    ],
    "attributes": [
        {"name": "occluded", "kind": "boolean", "scope": "instance"},
        {"name": "make", "kind": "select", "scope": "instance", "options": ["vw", "fiat"], "label_names": ["car"]},
        {"name": "speed", "kind": "number", "scope": "instance", "min_value": 0, "max_value": 300},
        {"name": "weather", "kind": "select", "scope": "file", "options": ["sunny", "rainy"]},
        {"name": "tags", "kind": "multi_select", "scope": "file", "options": ["night", "highway", "urban"]},
        {"name": "note", "kind": "text", "scope": "file"},
    ],
}
SCENES = {
    "name": "scenes",
    "labels": [{"name": "car", "color": "#111111", "annotation_types": ["tag"]},
               {"name": "sky", "color": "#222222", "annotation_types": ["tag"]}],
    "attributes": [{"name": "time_of_day", "kind": "select", "scope": "file", "options": ["day", "night"]}],
}


@dataclass
class Ann:
    id: str
    label: str | None
    source: str
    score: float | None
    model: str | None
    attributes: dict[str, Any]
    version: int = 1
    schema: str = "objects"


@dataclass
class FileState:
    id: int
    name: str
    kind: str
    created: datetime
    width: int | None
    height: int | None
    size: int
    meta: dict[str, Any]
    datasets: set[str] = field(default_factory=set)
    tasks: list[str] = field(default_factory=list)
    anns: dict[str, Ann] = field(default_factory=dict)
    deleted: bool = False

    def count(self, label: str | None = None, source: str | None = None) -> int:
        """Live annotations with this label name (any schema; None: any label) and source."""
        return sum(1 for a in self.anns.values() if a.label is not None and (label is None or a.label == label)
                   and (source is None or a.source == source))

    def get(self, *path: str) -> Any:
        """The metadata value at a key path, or MISSING."""
        value: Any = self.meta
        for key in path:
            if not isinstance(value, dict) or key not in value:
                return MISSING
            value = value[key]
        return value

    def attr(self, group: str) -> list[Any]:
        """The values of an attribute over the live annotations that have it."""
        return [a.attributes[group] for a in self.anns.values() if group in a.attributes]


class World:
    """The project, its files by name, and API helpers that mirror each write."""

    def __init__(self, app: FastAPI, project_id: int, editor: Actor, admin: Actor) -> None:
        self.app, self.project_id, self.editor, self.admin = app, project_id, editor, admin
        self.base = f"/api/v1/projects/{project_id}"
        self.files: dict[str, FileState] = {}
        self.schemas: dict[str, int] = {}
        self.datasets: dict[str, int] = {}
        for doc in (OBJECTS, SCENES):
            res = admin.client.post(f"{self.base}/schemas", json=doc)
            assert res.status_code == 201, res.text
            self.schemas[str(doc["name"])] = res.json()["id"]

    def add_file(self, name: str, *, created: datetime, kind: str = "image", width: int | None = 640,
                 height: int | None = 480, size: int = 1000, meta: dict[str, Any] | None = None) -> FileState:
        """A file row (the query only reads columns), mirrored."""
        with transaction(make_session_factory(self.app.state.engine)) as s:
            digest = hashlib.sha256(uuid.uuid4().bytes).hexdigest()
            row = File(project_id=self.project_id, kind=FileKind(kind), name=name, size_bytes=size,
                       mime_type="image/png" if kind == "image" else "text/plain", content_hash=digest,
                       storage_key=f"test/{digest}", width=width if kind == "image" else None,
                       height=height if kind == "image" else None, text_length=10 if kind == "text" else None,
                       meta=meta or {}, created_at=created, updated_at=created)
            s.add(row)
            s.flush()
            state = FileState(row.id, name, kind, created, row.width, row.height, size, dict(meta or {}))
        self.files[name] = state
        return state

    def dataset(self, name: str, files: list[str]) -> None:
        res = self.editor.client.post(f"{self.base}/datasets", json={"name": name})
        assert res.status_code == 201, res.text
        self.datasets[name] = res.json()["id"]
        if files:
            added = self.editor.client.post(f"{self.base}/datasets/{self.datasets[name]}/files",
                                            json={"file_ids": [self.files[f].id for f in files]})
            assert added.status_code == 200, added.text
        for f in files:
            self.files[f].datasets.add(name)

    def task(self, file: str, status: str, assignee_id: int | None = None) -> None:
        add_task(self.app, self.project_id, self.files[file].id, self.schemas["objects"], assignee_id, status)
        self.files[file].tasks.append(status)

    def bulk(self, file: str, anns: list[dict[str, Any]], *, schema: str = "objects", mode: str = "append",
             scope: str = "model") -> list[str]:
        """Write annotations with the bulk endpoint; returns their ids."""
        state = self.files[file]
        body: dict[str, Any] = {"schema_id": self.schemas[schema], "mode": mode, "replace_scope": scope,
                                "files": [{"file_id": state.id, "annotations": anns}]}
        res = self.editor.client.post(f"{self.base}/annotations/bulk", json=body)
        assert res.status_code == 200, res.text
        if mode == "replace":
            sources = {a.get("source", "human") for a in anns}
            models = {a.get("model_name") for a in anns}
            for aid, old in list(state.anns.items()):
                if (scope == "all" or (scope == "source" and old.source in sources)
                        or (scope == "model" and old.source == "model" and old.model in models)):
                    del state.anns[aid]
        ids = [str(i) for i in res.json()["annotation_ids"][str(state.id)]]
        for aid, a in zip(ids, anns, strict=True):
            state.anns[aid] = Ann(aid, a.get("label"), a.get("source", "human"), a.get("score"),
                                  a.get("model_name"), dict(a.get("attributes", {})), schema=schema)
        return ids

    def create(self, file: str, ann: dict[str, Any], *, schema: str = "objects") -> str:
        """One annotation through the single-annotation endpoint."""
        state = self.files[file]
        res = self.editor.client.post(f"{self.base}/files/{state.id}/annotations",
                                      json={**ann, "schema_id": self.schemas[schema]})
        assert res.status_code == 201, res.text
        aid = str(res.json()["id"])
        state.anns[aid] = Ann(aid, ann.get("label"), ann.get("source", "human"), ann.get("score"),
                              ann.get("model_name"), dict(ann.get("attributes", {})), schema=schema)
        return aid

    def relabel(self, file: str, aid: str, label: str) -> None:
        ann = self.files[file].anns[aid]
        res = self.editor.client.patch(f"{self.base}/annotations/{aid}", json={"version": ann.version, "label": label})
        assert res.status_code == 200, res.text
        ann.label, ann.version = label, ann.version + 1

    def delete_annotation(self, file: str, aid: str) -> None:
        ann = self.files[file].anns.pop(aid)
        res = self.editor.client.delete(f"{self.base}/annotations/{aid}", params={"version": ann.version})
        assert res.status_code == 204, res.text

    def delete_file(self, file: str) -> None:
        res = self.editor.client.delete(f"{self.base}/files/{self.files[file].id}")
        assert res.status_code == 204, res.text
        self.files[file].deleted = True

    def live(self) -> list[FileState]:
        return [f for f in self.files.values() if not f.deleted]


def box(label: str, *, source: str = "human", score: float | None = None, model: str | None = None,
        **attributes: Any) -> dict[str, Any]:
    """A small box annotation body."""
    body: dict[str, Any] = {"type": "box", "label": label, "geometry": {"x": 1, "y": 1, "w": 5, "h": 5},
                            "attributes": attributes}
    if source == "model":
        body.update(source="model", model_name=model or "det-v1", model_version="1", score=score)
    return body


def tag(label: str | None = None, **attributes: Any) -> dict[str, Any]:
    """A file-level tag: a label and/or file-level attributes."""
    body: dict[str, Any] = {"type": "tag", "attributes": attributes}
    if label is not None:
        body["label"] = label
    return body
