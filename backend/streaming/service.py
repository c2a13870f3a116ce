"""Rules for snapshots: what a caller may resolve and read, and how a batch of items is assembled.

Visibility is the files domain's rule (``visible_files_filter``): an annotator's snapshot holds only
the files of their own tasks, and every batch read checks it again, so a snapshot id shared with
someone who may see less serves them less (those positions answer ``error: "not_visible"``).
A snapshot is immutable: a file deleted after it was taken is still served from it (its bytes are
kept by the soft delete); delete the snapshot to stop that.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

from sqlalchemy import true
from sqlalchemy.orm import Session

from backend.config import Settings
from backend.core.errors import AppError, Forbidden, NotFound
from backend.core.types import utcnow
from backend.datasets import repository as datasets_repo
from backend.datasets import service as datasets_service
from backend.events.service import record
from backend.files.models import File, FileKind
from backend.files.service import visible_files_filter
from backend.files.storage import Storage
from backend.projects.deps import ProjectAccess
from backend.query import service as query_service
from backend.storage_connections import media as remote_media
from backend.streaming import repository
from backend.streaming.annotation_cache import ANNOTATIONS
from backend.streaming.archive import Member
from backend.streaming.models import DatasetSnapshot
from backend.streaming.schemas import SnapshotCreate, SnapshotEntry, SnapshotLabel, SnapshotRead

_EXT = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}


def read_model(s: DatasetSnapshot) -> SnapshotRead:
    """The API shape of a snapshot."""
    labels = [SnapshotLabel(id=int(k), name=v["name"], schema_id=v["schema_id"]) for k, v in s.labels.items()]
    return SnapshotRead(id=s.id, project_id=s.project_id, dataset_id=s.dataset_id, parent_id=s.parent_id,
                        query=s.query, as_of=s.as_of, file_count=s.file_count,
                        labels=sorted(labels, key=lambda label: label.id), created_by_id=s.created_by_id,
                        created_at=s.created_at)


def get_snapshot(session: Session, access: ProjectAccess, snapshot_id: int, field: str = "path.snapshot_id"
                 ) -> DatasetSnapshot:
    """The project's snapshot (annotators: only their own), else 404."""
    found = repository.get(session, access.project.id, snapshot_id)
    if found is None or (not access.sees_all_files and found.created_by_id != access.user.id):
        raise NotFound("snapshot not found", field=field)
    return found


def _dataset_id(session: Session, access: ProjectAccess, data: SnapshotCreate) -> int | None:
    if data.dataset_id is None and data.dataset is None:
        return None
    if not access.sees_all_files:  # annotators see no datasets
        raise NotFound("dataset not found in this project", field="body.dataset")
    if data.dataset_id is not None:
        return datasets_service.get_dataset(session, access, data.dataset_id, field="body.dataset_id").id
    found = datasets_repo.by_name(session, access.project.id, data.dataset or "")
    if found is None:
        raise NotFound(f"no dataset named {data.dataset!r} in this project", field="body.dataset")
    return found.id


def create_snapshot(session: Session, access: ProjectAccess, data: SnapshotCreate) -> DatasetSnapshot:
    """Resolve a dataset/query/parent once into positions; records ``snapshot.created``."""
    dataset_id = _dataset_id(session, access, data)
    parent = get_snapshot(session, access, data.parent_id, "body.parent_id") if data.parent_id else None
    match = query_service.file_condition(session, access, data.query, "body.query") if data.query else true()
    snap = DatasetSnapshot(project_id=access.project.id, dataset_id=dataset_id, query=data.query,
                           parent_id=parent.id if parent else None, created_by_id=access.user.id,
                           as_of=parent.as_of if parent else utcnow(),
                           labels=parent.labels if parent else repository.label_map(session, access.project.id))
    session.add(snap)
    session.flush()
    snap.file_count = repository.fill(session, snap.id, access.project.id, visible=visible_files_filter(access),
                                      match=match, dataset_id=dataset_id, parent_id=parent.id if parent else None)
    session.flush()
    record(session, "snapshot.created", project_id=access.project.id, actor_id=access.user.id,
           payload={"snapshot_id": snap.id, "dataset_id": dataset_id, "parent_id": snap.parent_id,
                    "query": data.query, "file_count": snap.file_count})
    return snap


def delete_snapshot(session: Session, access: ProjectAccess, snapshot_id: int) -> None:
    """Delete a snapshot (editors, or whoever made it); records ``snapshot.deleted``."""
    snap = get_snapshot(session, access, snapshot_id)
    if access.role.value not in ("admin", "editor") and snap.created_by_id != access.user.id:
        raise Forbidden("only editors or the snapshot's creator may delete it")
    session.delete(snap)
    session.flush()
    record(session, "snapshot.deleted", project_id=access.project.id, actor_id=access.user.id,
           payload={"snapshot_id": snapshot_id, "dataset_id": snap.dataset_id, "file_count": snap.file_count})


def entries(session: Session, access: ProjectAccess, snap: DatasetSnapshot, offset: int,
            limit: int) -> list[SnapshotEntry]:
    """The manifest from ``offset``: position, file id and what a cache needs (visible files only)."""
    rows = repository.entries(session, snap.id, visible_files_filter(access), offset, limit)
    return [SnapshotEntry(position=pos, file_id=f.id, kind=f.kind, name=f.name, content_hash=f.content_hash,
                          size_bytes=f.size_bytes, width=f.width, height=f.height) for pos, f in rows]


@dataclass(frozen=True)
class Batch:
    """A batch ready to stream: ``batch.json`` and the media members that follow it."""

    manifest: bytes
    members: list[Member]


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), default=str)


def _annotation(v: Any, labels: dict[str, Any]) -> str:
    """One annotation as JSON; its geometry and attributes are spliced in as stored."""
    label = labels.get(str(v.label_id)) if v.label_id is not None else None
    head = _dumps({"id": str(v.annotation_id), "version": v.version, "schema_id": v.schema_id,
                   "label_id": v.label_id, "label": label["name"] if label else None, "type": v.type.value,
                   "source": v.source, "model_name": v.model_name, "model_version": v.model_version,
                   "score": v.score})
    return f'{head[:-1]},"geometry":{v.geometry_json or "null"},"attributes":{v.attributes_json or "{}"}}}'


def _file_fields(pos: int, f: Any) -> dict[str, Any]:
    return {"position": pos, "file_id": f.id, "kind": f.kind.value, "name": f.name, "mime_type": f.mime_type,
            "content_hash": f.content_hash, "size_bytes": f.size_bytes, "width": f.width, "height": f.height,
            "media": None, "error": None}


def _item(fields: dict[str, Any], meta_json: str | None, annotations: str) -> str:
    return f'{_dumps(fields)[:-1]},"metadata":{meta_json or "{}"},"annotations":[{annotations}]}}'


def batch(session: Session, settings: Settings, storage: Storage, access: ProjectAccess, snap: DatasetSnapshot,
          positions: list[int], *, media: bool) -> Batch:
    """Every database read for these positions, done now; media bytes are read later, while streaming."""
    found = repository.files_at(session, snap.id, positions, visible_files_filter(access))
    shown = [pos for pos in positions if pos in found and found[pos][1]]
    file_ids = sorted({found[pos][0].id for pos in shown})

    def load(ids: list[int]) -> dict[int, str]:
        if repository.builds_annotation_json(session):
            return dict.fromkeys(ids, "") | repository.annotation_json_as_of(session, ids, snap.as_of, snap.labels)
        parts: dict[int, list[str]] = {fid: [] for fid in ids}
        for v in repository.annotations_as_of(session, ids, snap.as_of):
            parts[v.file_id].append(_annotation(v, snap.labels))
        return {fid: ",".join(p) for fid, p in parts.items()}

    by_file = ANNOTATIONS.get_many(snap.id, snap.as_of, file_ids, load)
    in_buckets = [found[p][0].id for p in shown if found[p][0].storage_connection_id is not None]
    remote = {f.id: f for f in repository.files_by_id(session, in_buckets)} if in_buckets else {}
    items: list[str] = []
    members: list[Member] = []
    for pos in positions:
        if pos not in found or not found[pos][1]:
            items.append(_dumps({"position": pos, "error": "not_visible"}))
            continue
        row = found[pos][0]
        fields = _file_fields(pos, row)
        if media:
            _attach_media(session, settings, storage, row, remote.get(row.id), fields, members)
        items.append(_item(fields, row.meta_json, by_file.get(row.id, "")))
    return Batch(manifest=f'{{"snapshot_id":{snap.id},"items":[{",".join(items)}]}}'.encode(), members=members)


def _attach_media(session: Session, settings: Settings, storage: Storage, f: Any, remote: File | None,
                  item: dict[str, Any], members: list[Member]) -> None:
    """Texts go inline in the manifest; images become members (local ones read lazily while streaming)."""
    name = f"{item['position']}{_EXT.get(f.mime_type, '.bin')}"
    try:
        if remote is not None:  # kept in a bucket: fetched now, checked against what was imported
            data = remote_media.read_file_bytes(session, settings, storage, remote)
            if f.kind == FileKind.text:
                item["text"] = data.decode("utf-8-sig")
                return
            members.append(Member(name, len(data), lambda: data))
        elif f.kind == FileKind.text:
            item["text"] = storage.read(f.storage_key).decode("utf-8-sig")
            return
        else:  # a local file is read straight into the stream by its path; other storage by ``read``
            key = f.storage_key
            local = storage.local_path(key)
            if not (os.path.isfile(local) if local is not None else storage.exists(key)):
                item["error"] = "missing"
                return
            members.append(Member(name, f.size_bytes, lambda: storage.read(key),
                                  path=str(local) if local is not None else None))
        item["media"] = name
    except (AppError, OSError) as exc:  # one unreadable file must not fail the whole batch
        item["error"] = f"unavailable: {getattr(exc, 'message', None) or exc}"

