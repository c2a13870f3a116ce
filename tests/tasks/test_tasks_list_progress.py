"""Listing tasks (visibility per role, filters, pagination) and the progress report."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _ids(res: Any) -> list[int]:
    assert res.status_code == 200, res.text
    return [t["id"] for t in res.json()["items"]]


def _setup(board: Any) -> dict[str, Any]:
    """Five tasks: two for the annotator, one for the editor, one unassigned, one started by the editor."""
    team = board.team
    editor = team.editor.client
    f = board.file_ids
    mine = board.tasks(editor, f[:2], assignee_id=team.annotator.user.id)
    theirs = board.tasks(editor, f[2:3], assignee_id=team.editor.user.id)[0]
    free = board.tasks(editor, f[3:4])[0]
    taken = board.ok(editor, board.tasks(editor, f[4:5])[0], "start")
    return {"mine": mine, "theirs": theirs, "free": free, "taken": taken}


def test_annotators_see_only_their_tasks_and_the_open_queue(board: Any) -> None:
    t = _setup(board)
    team = board.team
    everything = sorted([t["mine"][0]["id"], t["mine"][1]["id"], t["theirs"]["id"], t["free"]["id"],
                         t["taken"]["id"]])
    for role in ("admin", "editor", "viewer"):
        assert _ids(team.by_role(role).client.get(board.base)) == everything
    assert _ids(team.annotator.client.get(board.base)) == sorted(
        [t["mine"][0]["id"], t["mine"][1]["id"], t["free"]["id"]])
    assert board.get(team.annotator.client, t["theirs"]["id"]).status_code == 404
    assert board.get(team.annotator.client, t["taken"]["id"]).status_code == 404
    assert board.get(team.annotator.client, t["free"]["id"]).status_code == 200
    assert team.outsider.client.get(board.base).status_code == 404


def test_list_filters(board: Any, make_schema: Callable[..., int]) -> None:
    t = _setup(board)
    team = board.team
    viewer, editor = team.viewer.client, team.editor.client
    review = board.tasks(editor, board.file_ids[:1], kind="review")[0]
    other = board.tasks(editor, board.file_ids[:1], schema_id=make_schema(team.project_id, "other"))[0]
    assert _ids(viewer.get(board.base, params={"kind": "review"})) == [review["id"]]
    assert _ids(viewer.get(board.base, params={"schema_id": other["schema_id"]})) == [other["id"]]
    assert _ids(viewer.get(board.base, params={"status": ["in_progress"]})) == [t["taken"]["id"]]
    assert len(_ids(viewer.get(board.base, params={"status": ["in_progress", "available"]}))) == 7
    assert _ids(editor.get(board.base, params={"assignee_id": "me"})) == sorted(
        [t["theirs"]["id"], t["taken"]["id"]])
    assert _ids(viewer.get(board.base, params={"assignee_id": team.annotator.user.id})) == [
        x["id"] for x in t["mine"]]
    assert _ids(viewer.get(board.base, params={"assignee_id": "none"})) == sorted(
        [t["free"]["id"], review["id"], other["id"]])
    assert _ids(viewer.get(board.base, params={"file_id": board.file_ids[0]})) == sorted(
        [t["mine"][0]["id"], review["id"], other["id"]])
    res = viewer.get(board.base, params={"assignee_id": "someone"})
    assert res.status_code == 422
    assert res.json()["error"]["fields"][0]["field"] == "query.assignee_id"
    res = viewer.get(board.base, params={"status": "sleeping"})
    assert res.status_code == 422
    assert res.json()["error"]["fields"][0]["field"].startswith("query.status")


def test_list_is_cursor_paginated(board: Any) -> None:
    created = board.tasks(board.team.editor.client)
    seen: list[int] = []
    params: dict[str, Any] = {"limit": 2}
    while True:
        page = board.team.viewer.client.get(board.base, params=params).json()
        seen += [t["id"] for t in page["items"]]
        if not page["next_cursor"]:
            break
        params["cursor"] = page["next_cursor"]
    assert seen == [t["id"] for t in created]


def test_progress_counts(board: Any,
                         make_schema: Callable[..., int]) -> None:
    team = board.team
    editor, ann = team.editor.client, team.annotator.client
    second = make_schema(team.project_id, "second")
    board.tasks(editor, board.file_ids[:3])  # 3 available
    a, b = board.tasks(editor, board.file_ids[3:5], assignee_id=team.annotator.user.id)
    board.ok(ann, board.ok(ann, a, "start"), "submit")
    board.ok(ann, b, "start")
    board.tasks(editor, board.file_ids[:1], schema_id=second, kind="review")
    res = editor.get(f"{board.base}/progress")
    assert res.status_code == 200, res.text
    p = res.json()
    assert p["total"] == 6
    assert p["by_status"] == {"available": 4, "in_progress": 1, "submitted": 1, "in_review": 0,
                              "changes_requested": 0, "approved": 0, "skipped": 0}
    kinds = {k["kind"]: k["total"] for k in p["by_kind"]}
    assert kinds == {"annotate": 5, "review": 1}
    schemas = {s["name"]: (s["total"], s["by_status"]["available"]) for s in p["by_schema"]}
    assert schemas == {"objects": (5, 3), "second": (1, 1)}
    people = {x["name"]: (x["total"], x["by_status"]["submitted"], x["by_status"]["in_progress"])
              for x in p["by_assignee"]}
    assert people == {"annotator": (2, 1, 1), None: (4, 0, 0)}
    assert p["by_assignee"][-1]["assignee_id"] is None
    assert team.viewer.client.get(f"{board.base}/progress").status_code == 200
    assert ann.get(f"{board.base}/progress").status_code == 403


def test_progress_of_an_empty_project(board: Any) -> None:
    p = board.team.admin.client.get(f"{board.base}/progress").json()
    assert p["total"] == 0
    assert set(p["by_status"].values()) == {0}
    assert p["by_schema"] == []
    assert p["by_assignee"] == []
    assert [k["total"] for k in p["by_kind"]] == [0, 0]
