"""The per-annotator queue: own work first, then the best available task, each handed out once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import httpx

from backend.projects.models import Role


def test_next_claims_by_priority_then_oldest(board: Any) -> None:
    team = board.team
    editor, ann = team.editor.client, team.annotator.client
    low = board.tasks(editor, board.file_ids[:1], priority=0)[0]
    high_a = board.tasks(editor, board.file_ids[1:2], priority=5)[0]
    high_b = board.tasks(editor, board.file_ids[2:3], priority=5)[0]
    order = []
    for _ in range(3):
        res = board.next(ann)
        assert res.status_code == 200, res.text
        task = res.json()
        assert (task["status"], task["assignee_id"]) == ("in_progress", team.annotator.user.id)
        assert task["version"] == 2
        assert "submit" in task["actions"]
        order.append(task["id"])
        board.ok(ann, task, "submit")
    assert order == [high_a["id"], high_b["id"], low["id"]]
    assert board.next(ann).status_code == 204


def test_own_open_work_comes_first(board: Any) -> None:
    team = board.team
    editor, ann = team.editor.client, team.annotator.client
    tasks = board.tasks(editor, board.file_ids[:3])
    first = board.next(ann).json()
    assert first["id"] == tasks[0]["id"]
    assert board.next(ann).json()["id"] == first["id"]  # still in progress: no second claim
    assert board.get(editor, tasks[1]["id"]).json()["status"] == "available"
    submitted = board.ok(ann, first, "submit")
    board.ok(editor, submitted, "request_changes", comment="fix the box")
    board.ok(editor, tasks[2], "assign", assignee_id=team.annotator.user.id)
    sent_back = board.next(ann).json()  # sent back beats a task merely assigned
    assert (sent_back["id"], sent_back["status"]) == (first["id"], "changes_requested")
    board.ok(ann, sent_back, "submit")
    assigned = board.next(ann).json()  # an assigned task beats the open queue and is started
    assert (assigned["id"], assigned["status"]) == (tasks[2]["id"], "in_progress")


def test_two_annotators_never_share_a_task(board: Any, make_user: Callable[..., Any],
                                           add_member: Callable[..., None]) -> None:
    team = board.team
    other = make_user("second@example.com")
    add_member(team.project_id, other, Role.annotator)
    board.tasks(team.editor.client, board.file_ids[:2])
    a = board.next(team.annotator.client).json()
    b = board.next(other.client).json()
    assert a["id"] != b["id"]
    assert board.next(make_user("third@example.com").client).status_code == 404  # not a member
    assert board.next(team.viewer.client).status_code == 403
    assert board.next(team.admin.client).status_code == 204


def test_next_filters_by_kind_and_schema(board: Any, make_schema: Callable[..., int]) -> None:
    team = board.team
    editor, ann = team.editor.client, team.annotator.client
    other_schema = make_schema(team.project_id, "scene")
    review = board.tasks(editor, board.file_ids[:1], kind="review", priority=9)[0]
    scene = board.tasks(editor, board.file_ids[:1], schema_id=other_schema)[0]
    plain = board.tasks(editor, board.file_ids[1:2])[0]
    assert board.next(ann, kind="annotate", schema_id=other_schema).json()["id"] == scene["id"]
    res = board.next(ann, schema_id=999_999)
    assert res.status_code == 422
    assert res.json()["error"]["fields"][0]["field"] == "body.schema_id"
    res = board.next(ann, kind="sideways")
    assert res.status_code == 422
    assert res.json()["error"]["fields"][0]["field"] == "body.kind"
    admin = team.admin.client
    assert board.next(admin).json()["id"] == plain["id"]  # annotate work comes before review work
    assert board.next(editor, kind="review").json()["id"] == review["id"]


def test_concurrent_next_hands_out_every_task_exactly_once(
        board: Any, live_server: str, is_postgres: bool, make_user: Callable[..., Any],
        add_member: Callable[..., None], make_files: Callable[..., list[int]]) -> None:
    team = board.team
    n_workers, n_tasks = 20, (100 if is_postgres else 60)
    workers = [make_user(f"worker{i}@example.com") for i in range(n_workers)]
    for w in workers:
        add_member(team.project_id, w, Role.annotator)
    created = board.tasks(team.editor.client, make_files(team.project_id, n_tasks))
    barrier = threading.Barrier(n_workers)
    handed: dict[int, list[int]] = {}
    problems: list[str] = []

    def work(actor: Any) -> None:
        mine: list[int] = []
        with httpx.Client(base_url=live_server, timeout=60,
                          headers={"Authorization": f"Bearer {actor.token}"}) as c:
            barrier.wait()
            while True:
                res = c.post(f"{board.base}/next")
                if res.status_code == 204:
                    break
                if res.status_code != 200:
                    problems.append(f"next: {res.status_code} {res.text}")
                    break
                task = res.json()
                if task["id"] in mine or task["assignee_id"] != actor.user.id:
                    problems.append(f"bad hand-out {task}")
                    break
                mine.append(task["id"])
                done = board.act(c, task, "submit")
                if done.status_code != 200:
                    problems.append(f"submit: {done.status_code} {done.text}")
                    break
        handed[actor.user.id] = mine

    threads = [threading.Thread(target=work, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert problems == []
    all_ids = [tid for ids in handed.values() for tid in ids]
    assert len(all_ids) == len(set(all_ids)) == n_tasks
    assert set(all_ids) == {t["id"] for t in created}
    assert sum(1 for ids in handed.values() if ids) > 1  # the work really was shared out
    listing = team.editor.client.get(board.base, params={"limit": 500}).json()["items"]
    owner = {t["id"]: (t["assignee_id"], t["status"]) for t in listing}
    for user_id, ids in handed.items():
        assert all(owner[tid] == (user_id, "submitted") for tid in ids)
