"""The event API: list from a cursor, long-poll, an SSE tail, replay; the catalogue and its docs."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
from sqlalchemy import Engine, select, update

from backend.events.catalogue import CATALOGUE, markdown
from backend.events.models import Event
from tests.conftest import Team

DOCS = Path(__file__).resolve().parents[2] / "docs" / "events.md"


def _make_events(team: Team, n: int) -> None:
    for i in range(n):
        team.admin.client.patch(f"/api/v1/projects/{team.project_id}", json={"description": f"v{i}"})


def test_list_from_a_cursor_with_type_filters(team: Team) -> None:
    _make_events(team, 5)
    base = f"/api/v1/projects/{team.project_id}/events"
    first = team.viewer.client.get(base, params={"limit": 3}).json()
    assert [e["type"] for e in first["items"]][:1] == ["project.created"]
    rest = team.viewer.client.get(base, params={"limit": 100, "cursor": first["next_cursor"]}).json()
    ids = [e["id"] for e in first["items"] + rest["items"]]
    assert ids == sorted(ids) and len(ids) == len(set(ids))
    updates = team.viewer.client.get(base, params={"types": "project.upd*"}).json()["items"]
    assert [e["payload"]["changed"] for e in updates] == [["description"]] * 5
    after = team.viewer.client.get(base, params={"after": ids[-1]}).json()
    assert after["items"] == []
    assert team.annotator.client.get(base).status_code == 403
    assert team.outsider.client.get(base).status_code == 404


def test_catalogue_is_served_and_documented(team: Team) -> None:
    served = team.viewer.client.get("/api/v1/events/catalogue").json()
    types = {e["type"] for e in served}
    assert {"file.created", "annotation.updated", "task.approved", "dataset.files_added"} <= types
    task = next(e for e in served if e["type"] == "task.approved")
    assert "task_id" in task["payload_schema"]["required"]
    assert DOCS.read_text() == markdown(), "docs/events.md is stale: run `groundwork events catalogue --markdown`"


def test_long_poll_returns_as_soon_as_an_event_arrives(team: Team, live_server: str) -> None:
    base = f"{live_server}/api/v1/projects/{team.project_id}/events"
    headers = {"Authorization": f"Bearer {team.viewer.token}"}
    last = httpx.get(base, headers=headers, params={"limit": 500}).json()["items"][-1]["id"]
    writer = threading.Timer(0.5, lambda: httpx.patch(f"{live_server}/api/v1/projects/{team.project_id}",
                                                      json={"description": "new"},
                                                      headers={"Authorization": f"Bearer {team.admin.token}"}))
    started = time.monotonic()
    writer.start()
    got = httpx.get(base, headers=headers, params={"after": last, "wait": 10}, timeout=20).json()
    elapsed = time.monotonic() - started
    writer.join()
    assert [e["type"] for e in got["items"]] == ["project.updated"]
    assert 0.4 < elapsed < 5


def test_sse_tail_streams_new_events_and_resumes(team: Team, live_server: str) -> None:
    url = f"{live_server}/api/v1/projects/{team.project_id}/events/stream"
    headers = {"Authorization": f"Bearer {team.viewer.token}"}
    _make_events(team, 2)
    seen: list[tuple[int, str]] = []
    with httpx.stream("GET", url, headers=headers, timeout=10) as res:
        assert res.headers["content-type"].startswith("text/event-stream")
        ident = None
        for line in res.iter_lines():
            if line.startswith("id: "):
                ident = int(line[4:])
            elif line.startswith("event: ") and ident is not None:
                seen.append((ident, line[7:]))
            if len(seen) == 3:
                break
    assert [t for _, t in seen] == ["project.created", "project.updated", "project.updated"]
    _make_events(team, 1)
    with httpx.stream("GET", url, headers={**headers, "Last-Event-ID": str(seen[-1][0])}, timeout=10) as res:
        for line in res.iter_lines():
            if line.startswith("event: "):
                assert line == "event: project.updated"
                break


def test_replay_hands_events_to_the_relay_again(team: Team, engine: Engine) -> None:
    _make_events(team, 4)
    with engine.begin() as conn:
        conn.execute(update(Event).values(published_at=Event.occurred_at))
        ids = list(conn.scalars(select(Event.id).where(Event.project_id == team.project_id).order_by(Event.id)))
    base = f"/api/v1/projects/{team.project_id}/events/replay"
    assert team.editor.client.post(base, json={"after_id": 0}).status_code == 403
    res = team.admin.client.post(base, json={"after_id": ids[1], "types": ["project.*"]})
    assert res.status_code == 200 and res.json()["requeued"] == len(ids) - 2
    with engine.connect() as conn:
        pending = list(conn.scalars(select(Event.id).where(Event.published_at.is_(None)).order_by(Event.id)))
    assert pending == ids[2:]


def test_every_event_type_is_catalogued() -> None:
    assert all(name == entry.name for name, entry in CATALOGUE.items())
    assert len(CATALOGUE) >= 30

