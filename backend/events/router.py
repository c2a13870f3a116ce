"""HTTP: the event catalogue, a project's events from a cursor (list, long-poll, SSE tail), replay."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from backend.auth.deps import CurrentUser
from backend.core.deps import SessionDep
from backend.core.pagination import Page, PageDep, encode_cursor
from backend.events import catalogue, repository
from backend.events.schemas import EventRead, ReplayRequest, ReplayResult
from backend.projects.deps import Admin, Reader

router = APIRouter(tags=["events"])

POLL_S = 0.25
HEARTBEAT_S = 15.0


@router.get("/events/catalogue", response_model=list[catalogue.EventTypeRead],
            summary="Every event type with the JSON Schema of its payload")
def get_catalogue(_: CurrentUser) -> list[catalogue.EventTypeRead]:
    return catalogue.describe()


def _read(factory: sessionmaker[Session], project_id: int, after: int, types: list[str],
          limit: int) -> list[EventRead]:
    with factory() as session:
        return [EventRead.model_validate(e) for e in repository.events_after(session, project_id, after, types,
                                                                               limit)]


def _split(types: str | None) -> list[str]:
    return [t.strip() for t in (types or "").split(",") if t.strip()]


@router.get("/projects/{project_id}/events", response_model=Page[EventRead],
            summary="A project's events after a cursor, oldest first; `wait` long-polls for new ones")
async def list_events(
    request: Request, access: Reader, page: PageDep,
    after: Annotated[int | None, Query(ge=0, description="start after this event id (instead of a cursor)")] = None,
    types: Annotated[str | None, Query(description="comma-separated type patterns, e.g. `task.*,file.created`")] = None,
    wait: Annotated[float, Query(ge=0, le=30, description="seconds to wait for an event if there is none")] = 0,
) -> Page[EventRead]:
    start = int(page.after) if page.after is not None else (after or 0)
    factory = request.app.state.read_session_factory
    deadline = asyncio.get_running_loop().time() + wait
    while True:
        rows = await run_in_threadpool(_read, factory, access.project.id, start, _split(types), page.limit + 1)
        if rows or asyncio.get_running_loop().time() >= deadline or await request.is_disconnected():
            break
        await asyncio.sleep(POLL_S)
    shown = rows[: page.limit]
    # The cursor always advances past what was shown, so a tail never sees an event twice.
    next_cursor = encode_cursor(shown[-1].id) if shown else encode_cursor(start)
    return Page[EventRead](items=shown, next_cursor=next_cursor)


@router.get("/projects/{project_id}/events/stream", summary="Tail a project's events (Server-Sent Events)",
            response_class=StreamingResponse)
async def stream_events(
    request: Request, access: Reader,
    after: Annotated[int, Query(ge=0, description="start after this event id")] = 0,
    types: Annotated[str | None, Query(description="comma-separated type patterns")] = None,
    last_event_id: Annotated[str | None, Header(description="resume after this id (set by EventSource)")] = None,
) -> StreamingResponse:
    start = int(last_event_id) if last_event_id and last_event_id.isdigit() else after
    factory, project_id, patterns = request.app.state.read_session_factory, access.project.id, _split(types)

    async def frames() -> AsyncIterator[str]:
        cursor, idle = start, 0.0
        yield "retry: 2000\n\n"
        while not await request.is_disconnected():
            rows = await run_in_threadpool(_read, factory, project_id, cursor, patterns, 500)
            for row in rows:
                cursor = row.id
                yield f"id: {row.id}\nevent: {row.type}\ndata: {json.dumps(row.model_dump(mode='json'))}\n\n"
            if not rows:
                idle += POLL_S
                if idle >= HEARTBEAT_S:
                    idle = 0.0
                    yield ": keep-alive\n\n"
                await asyncio.sleep(POLL_S)

    return StreamingResponse(frames(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


@router.post("/projects/{project_id}/events/replay", response_model=ReplayResult,
             summary="Hand a project's events after a cursor to the relay again (admins)")
def replay(body: ReplayRequest, access: Admin, session: SessionDep) -> ReplayResult:
    return ReplayResult(requeued=repository.requeue(session, access.project.id, body.after_id, body.types))
