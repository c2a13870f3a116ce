"""Bulk task creation: validation names the field and writes nothing; duplicates are skipped."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, func, select

from backend.events.models import Event
from backend.tasks.models import Task


def _count_tasks(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(Task)).scalar_one())


def _events(engine: Engine, type_: str) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [dict(p) for p in conn.execute(select(Event.payload).where(Event.type == type_)
                                              .order_by(Event.id)).scalars()]


def test_editor_creates_one_task_per_file(board: Any, engine: Engine) -> None:
    res = board.create(board.team.editor.client, priority=3)
    assert res.status_code == 201, res.text
    body = res.json()
    assert [t["file_id"] for t in body["created"]] == board.file_ids
    assert body["skipped"] == []
    first = body["created"][0]
    assert first["status"] == "available"
    assert first["version"] == 1
    assert first["priority"] == 3
    assert first["assignee_id"] is None
    assert first["created_by_id"] == board.team.editor.user.id
    created = _events(engine, "task.created")
    assert sorted(e["task_id"] for e in created) == sorted(t["id"] for t in body["created"])
    assert {e["kind"] for e in created} == {"annotate"}
    assert _events(engine, "task.assigned") == []


def test_tasks_created_with_an_assignee_are_assigned(board: Any, engine: Engine) -> None:
    ann = board.team.annotator.user.id
    created = board.tasks(board.team.admin.client, board.file_ids[:2], assignee_id=ann)
    assert {t["assignee_id"] for t in created} == {ann}
    assert {t["status"] for t in created} == {"available"}
    assigned = _events(engine, "task.assigned")
    assert sorted(e["task_id"] for e in assigned) == sorted(t["id"] for t in created)
    assert {e["assignee_id"] for e in assigned} == {ann}


def test_bad_file_ids_are_named_by_position_and_nothing_is_written(
        board: Any, engine: Engine, make_files: Callable[..., list[int]],
        make_schema: Callable[..., int]) -> None:
    other_project = board.team.outsider.client.get("/api/v1/projects").json()["items"][0]["id"]
    foreign = make_files(other_project, 1)[0]
    deleted = make_files(board.team.project_id, 1, deleted=True)[0]
    ids = [*board.file_ids[:3], 999_999, board.file_ids[3], foreign, deleted]
    res = board.create(board.team.editor.client, ids)
    assert res.status_code == 422
    fields = [f["field"] for f in res.json()["error"]["fields"]]
    assert fields == ["body.file_ids.3", "body.file_ids.5", "body.file_ids.6"]
    assert _count_tasks(engine) == 0
    assert _events(engine, "task.created") == []


def test_schema_of_another_project_is_refused(board: Any, engine: Engine,
                                               make_schema: Callable[..., int]) -> None:
    other_project = board.team.outsider.client.get("/api/v1/projects").json()["items"][0]["id"]
    res = board.create(board.team.editor.client, schema_id=make_schema(other_project))
    assert res.status_code == 422
    assert [f["field"] for f in res.json()["error"]["fields"]] == ["body.schema_id"]
    assert _count_tasks(engine) == 0


def test_assignee_must_be_a_member_who_may_annotate(board: Any, engine: Engine) -> None:
    for who in (board.team.outsider, board.team.viewer):
        res = board.create(board.team.editor.client, assignee_id=who.user.id)
        assert res.status_code == 422, res.text
        assert res.json()["error"]["fields"][0]["field"] == "body.assignee_id"
    assert _count_tasks(engine) == 0
    assert board.create(board.team.editor.client, assignee_id=board.team.editor.user.id).status_code == 201


def test_open_duplicates_are_skipped_and_reported(board: Any) -> None:
    editor = board.team.editor.client
    first = board.tasks(editor, board.file_ids[:2])
    res = board.create(editor, [board.file_ids[1], board.file_ids[2], board.file_ids[2]])
    assert res.status_code == 201
    body = res.json()
    assert [t["file_id"] for t in body["created"]] == [board.file_ids[2]]
    skipped = {(s["file_id"], s["existing_task_id"]) for s in body["skipped"]}
    assert skipped == {(board.file_ids[1], first[1]["id"]), (board.file_ids[2], body["created"][0]["id"])}
    # another kind is not a duplicate
    assert len(board.tasks(editor, board.file_ids[:2], kind="review")) == 2


def test_a_closed_task_does_not_block_a_new_one(board: Any) -> None:
    editor = board.team.editor.client
    task = board.tasks(editor, board.file_ids[:1])[0]
    task = board.ok(editor, task, "start")
    task = board.ok(editor, task, "skip")
    again = board.create(editor, board.file_ids[:1]).json()
    assert len(again["created"]) == 1
    assert again["skipped"] == []


def test_only_editors_and_admins_create_tasks(board: Any, engine: Engine) -> None:
    for who in ("annotator", "viewer"):
        assert board.create(board.team.by_role(who).client).status_code == 403
    assert board.create(board.team.outsider.client).status_code == 404
    assert _count_tasks(engine) == 0


def test_unknown_fields_and_empty_lists_are_refused(board: Any) -> None:
    editor = board.team.editor.client
    res = editor.post(board.base, json={"file_ids": board.file_ids, "schema_id": board.schema_id, "colour": 1})
    assert res.status_code == 422
    assert res.json()["error"]["fields"][0]["field"] == "body.colour"
    res = editor.post(board.base, json={"file_ids": [], "schema_id": board.schema_id})
    assert res.status_code == 422
    assert res.json()["error"]["fields"][0]["field"] == "body.file_ids"


def test_review_task_parent_must_be_about_the_same_file(board: Any) -> None:
    editor = board.team.editor.client
    parent = board.tasks(editor, board.file_ids[:1])[0]
    res = board.create(editor, board.file_ids[1:2], kind="review", parent_task_id=parent["id"])
    assert res.status_code == 422
    assert res.json()["error"]["fields"][0]["field"] == "body.parent_task_id"
    res = board.create(editor, board.file_ids[:1], kind="review", parent_task_id=999_999)
    assert res.json()["error"]["fields"][0]["field"] == "body.parent_task_id"
    review = board.tasks(editor, board.file_ids[:1], kind="review", parent_task_id=parent["id"])[0]
    assert review["parent_task_id"] == parent["id"]
    assert review["kind"] == "review"
