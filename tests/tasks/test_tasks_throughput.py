"""The throughput report: annotate tasks submitted and approved per annotator per UTC day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import FastAPI
from sqlalchemy import update

from backend.core.db import make_session_factory, transaction
from backend.tasks.models import Task


def _backdate(app: FastAPI, task_id: int, days: int) -> None:
    """Move a task's submission (and approval, if any) ``days`` days into the past."""
    with transaction(make_session_factory(app.state.engine)) as s:
        task = s.get(Task, task_id)
        assert task is not None and task.submitted_at is not None
        values: dict[str, Any] = {"submitted_at": task.submitted_at - timedelta(days=days)}
        if task.completed_at is not None:
            values["completed_at"] = task.completed_at - timedelta(days=days)
        s.execute(update(Task).where(Task.id == task_id).values(**values))


def _submit(board: Any, client: Any, task: dict[str, Any]) -> dict[str, Any]:
    return board.ok(client, board.ok(client, task, "start"), "submit")


def test_throughput_counts_per_annotator_per_day(board: Any, app: FastAPI) -> None:
    team = board.team
    editor, annie = team.editor.client, team.annotator.client
    f = board.file_ids
    mine = board.tasks(editor, f[:4], assignee_id=team.annotator.user.id)
    own = board.tasks(editor, f[4:5], assignee_id=team.editor.user.id)[0]
    today = _submit(board, annie, mine[0])
    board.ok(editor, today, "approve")
    earlier = _submit(board, annie, mine[1])
    old = _submit(board, annie, mine[2])
    _submit(board, editor, own)
    board.ok(annie, mine[3], "start")  # in progress: not counted anywhere
    _backdate(app, earlier["id"], 3)
    _backdate(app, old["id"], 40)

    res = team.viewer.client.get(f"{board.base}/throughput", params={"days": 7})
    assert res.status_code == 200, res.text
    body = res.json()
    now = datetime.now(UTC).date()
    assert (body["since"], body["until"]) == (str(now - timedelta(days=6)), str(now))
    annie_row, editor_row = body["annotators"]
    assert (annie_row["user_id"], annie_row["submitted"], annie_row["approved"]) == (team.annotator.user.id, 2, 1)
    assert annie_row["name"]
    assert [d["day"] for d in annie_row["days"]] == [str(now - timedelta(days=6 - i)) for i in range(7)]
    by_day = {d["day"]: (d["submitted"], d["approved"]) for d in annie_row["days"]}
    assert by_day[str(now)] == (1, 1) and by_day[str(now - timedelta(days=3))] == (1, 0)
    assert sum(s + a for s, a in by_day.values()) == 3
    assert (editor_row["user_id"], editor_row["submitted"], editor_row["approved"]) == (team.editor.user.id, 1, 0)
    assert body["totals"][-1] == {"day": str(now), "submitted": 2, "approved": 1}
    assert sum(d["submitted"] for d in body["totals"]) == 3

    # A longer range reaches the old submission.
    long = team.admin.client.get(f"{board.base}/throughput", params={"days": 60}).json()
    assert long["annotators"][0]["submitted"] == 3 and len(long["totals"]) == 60


def test_throughput_is_for_readers_with_a_bounded_range(board: Any) -> None:
    team = board.team
    url = f"{board.base}/throughput"
    empty = team.viewer.client.get(url).json()
    assert empty["annotators"] == [] and len(empty["totals"]) == 30
    assert team.viewer.client.get(url, params={"days": 0}).status_code == 422
    assert team.viewer.client.get(url, params={"days": 367}).status_code == 422
    assert team.annotator.client.get(url).status_code == 403
    assert team.outsider.client.get(url).status_code == 404
