"""HTTP: dataset snapshots and the batch endpoint (many items per request, one tar stream)."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Query, status
from fastapi.responses import StreamingResponse

from backend.core.deps import SessionDep, SettingsDep
from backend.core.errors import ValidationFailed
from backend.core.pagination import Page, PageDep, make_page
from backend.files.deps import StorageDep
from backend.projects.deps import AnyMember
from backend.streaming import archive, repository, service
from backend.streaming.schemas import MAX_ITEMS_PER_REQUEST, SnapshotCreate, SnapshotEntries, SnapshotRead

router = APIRouter(tags=["streaming"])
_BASE = "/projects/{project_id}/snapshots"
_POSITIONS = re.compile(r"^\d+(-\d+)?(,\d+(-\d+)?)*$")


def parse_positions(text: str, count: int) -> list[int]:
    """``"0-63"`` or ``"5,9,2"`` (or a mix) -> positions in the order given; 422 when out of range."""
    if not _POSITIONS.match(text):
        raise ValidationFailed("positions: comma-separated numbers or ranges like 0-63", field="query.positions")
    out: list[int] = []
    for part in text.split(","):
        first, _, last = part.partition("-")
        lo, hi = int(first), int(last or first)
        if hi < lo or len(out) + hi - lo + 1 > MAX_ITEMS_PER_REQUEST:
            raise ValidationFailed(f"positions: at most {MAX_ITEMS_PER_REQUEST} ascending-range items per request",
                                   field="query.positions")
        out.extend(range(lo, hi + 1))
    if out and max(out) >= count:
        raise ValidationFailed(f"positions: the snapshot has {count} items (0..{count - 1})", field="query.positions")
    return out


@router.post(_BASE, response_model=SnapshotRead, status_code=status.HTTP_201_CREATED,
             summary="Resolve a dataset and/or query once into an immutable snapshot")
def create_snapshot(body: SnapshotCreate, access: AnyMember, session: SessionDep) -> SnapshotRead:
    return service.read_model(service.create_snapshot(session, access, body))


@router.get(_BASE, response_model=Page[SnapshotRead], summary="Snapshots of the project, newest first")
def list_snapshots(access: AnyMember, session: SessionDep, page: PageDep) -> Page[SnapshotRead]:
    mine = None if access.sees_all_files else access.user.id
    rows = repository.list_snapshots(session, access.project.id, mine, page.after, page.limit + 1)
    return make_page(rows, page, service.read_model, lambda s: s.id)


@router.get(_BASE + "/{snapshot_id}", response_model=SnapshotRead, summary="One snapshot")
def get_snapshot(snapshot_id: int, access: AnyMember, session: SessionDep) -> SnapshotRead:
    return service.read_model(service.get_snapshot(session, access, snapshot_id))


@router.delete(_BASE + "/{snapshot_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete a snapshot")
def delete_snapshot(snapshot_id: int, access: AnyMember, session: SessionDep) -> None:
    service.delete_snapshot(session, access, snapshot_id)


@router.get(_BASE + "/{snapshot_id}/files", response_model=SnapshotEntries,
            summary="The snapshot's files by position (what a cache needs to key and check them)")
def snapshot_files(snapshot_id: int, access: AnyMember, session: SessionDep,
                   offset: Annotated[int, Query(ge=0)] = 0,
                   limit: Annotated[int, Query(ge=1, le=10_000)] = 1000) -> SnapshotEntries:
    snap = service.get_snapshot(session, access, snapshot_id)
    rows = service.entries(session, access, snap, offset, limit + 1)
    more = len(rows) > limit
    return SnapshotEntries(items=rows[:limit], next_offset=rows[limit - 1].position + 1 if more else None)


@router.get(_BASE + "/{snapshot_id}/items", response_class=StreamingResponse,
            summary="Many items in one response: annotations as of the snapshot and the media, as a tar stream",
            responses={200: {"content": {"application/x-tar": {}},
                             "description": "batch.json (every item's fields and annotations; texts inline), "
                                            "then one member per image named in it"}})
def snapshot_items(snapshot_id: int, access: AnyMember, session: SessionDep, settings: SettingsDep,
                   storage: StorageDep,
                   positions: Annotated[str, Query(max_length=20_000, description="e.g. 0-63 or 5,9,2")],
                   media: Annotated[bool, Query(description="false: annotations and fields only")] = True,
                   ) -> StreamingResponse:
    snap = service.get_snapshot(session, access, snapshot_id)
    wanted = parse_positions(positions, snap.file_count)
    prepared = service.batch(session, settings, storage, access, snap, wanted, media=media)
    # The session closes when this returns; the stream below reads only storage.
    size = archive.length(prepared.manifest, prepared.members)
    return StreamingResponse(archive.astream(prepared.manifest, prepared.members), media_type="application/x-tar",
                             headers={"content-length": str(size), "x-groundwork-snapshot": str(snap.id),
                                      "cache-control": "private, max-age=86400, immutable"})
