"""Rows the tests need that another domain's API would otherwise have to make (files, tasks)."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from fastapi import FastAPI

from backend.core.db import make_session_factory, transaction
from backend.files.models import File, FileKind
from backend.tasks.models import Task, TaskKind, TaskStatus

OBJECTS_SCHEMA: dict[str, Any] = {
    "name": "objects",
    "labels": [
        {"name": "car", "color": "#1f77b4", "annotation_types": ["box", "polygon", "polyline", "point"]},
        {"name": "person", "color": "#ff7f0e", "annotation_types": ["box", "keypoints"],
         "keypoint_names": ["head", "left_hand", "right_hand"]},
        {"name": "indoor", "color": "#2ca02c", "annotation_types": ["tag"]},
        {"name": "topic", "color": "#d62728", "annotation_types": ["span", "tag"]},
    ],
    "attributes": [
        {"name": "occluded", "kind": "boolean", "scope": "instance"},
        {"name": "make", "kind": "select", "scope": "instance", "options": ["vw", "fiat"], "label_names": ["car"]},
        {"name": "weather", "kind": "select", "scope": "file", "options": ["sunny", "rainy"]},
        {"name": "speed", "kind": "number", "scope": "instance", "min_value": 0, "max_value": 300},
    ],
}


def add_file(app: FastAPI, project_id: int, *, kind: str = "image", width: int = 640, height: int = 480,
             text_length: int | None = None, name: str | None = None) -> int:
    """A file row (no bytes stored) for tests that only need geometry bounds."""
    with transaction(make_session_factory(app.state.engine)) as s:
        digest = hashlib.sha256(uuid.uuid4().bytes).hexdigest()
        f = File(project_id=project_id, kind=FileKind(kind), name=name or f"{digest[:8]}.{kind}",
                 mime_type="image/png" if kind == "image" else "text/plain", size_bytes=1, content_hash=digest,
                 storage_key=f"test/{digest}", width=width if kind == "image" else None,
                 height=height if kind == "image" else None, text_length=text_length, meta={})
        s.add(f)
        s.flush()
        return f.id


def add_task(app: FastAPI, project_id: int, file_id: int, schema_id: int, assignee_id: int | None,
             status: str = "in_progress") -> int:
    """A task row, e.g. to give an annotator access to a file."""
    with transaction(make_session_factory(app.state.engine)) as s:
        t = Task(project_id=project_id, file_id=file_id, schema_id=schema_id, kind=TaskKind.annotate,
                 status=TaskStatus(status), assignee_id=assignee_id)
        s.add(t)
        s.flush()
        return t.id
