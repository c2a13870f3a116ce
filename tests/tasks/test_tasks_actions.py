"""Task actions: the transition table, roles, optimistic versions and the events they emit."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select

from backend.events.models import Event


def _event_types(engine: Engine, task_id: int) -> list[str]:
    with engine.connect() as conn:
        rows = conn.execute(select(Event.type, Event.payload).order_by(Event.id)).all()
    return [t for t, p in rows if p.get("task_id") == task_id]


def test_annotate_submit_review_approve(board: Any, engine: Engine) -> None:
    team = board.team
    task = board.tasks(team.editor.client, board.file_ids[:1])[0]
    assert task["actions"] == ["start", "assign"]  # the editor may claim it or assign it
    ann = team.annotator.client
    task = board.ok(ann, task, "start")
    assert (task["status"], task["assignee_id"], task["version"]) == ("in_progress", team.annotator.user.id, 2)
    assert task["actions"] == ["submit", "skip", "release"]
    task = board.ok(ann, task, "submit", comment="two cars, one bus")
    assert task["status"] == "submitted"
    assert task["submitted_at"] is not None
    assert task["comment"] == "two cars, one bus"
    task = board.ok(team.editor.client, task, "start_review")
    assert (task["status"], task["reviewer_id"]) == ("in_review", team.editor.user.id)
    task = board.ok(team.editor.client, task, "approve")
    assert task["status"] == "approved"
    assert task["completed_at"] is not None
    assert task["version"] == 5
    assert board.get(ann, task["id"]).json()["status"] == "approved"  # still visible to its assignee
    assert _event_types(engine, task["id"]) == ["task.created", "task.started", "task.assigned",
                                                "task.submitted", "task.review_started", "task.approved"]


def test_request_changes_needs_a_comment_then_resume_and_resubmit(board: Any, engine: Engine) -> None:
    team = board.team
    ann, editor = team.annotator.client, team.editor.client
    task = board.tasks(editor, board.file_ids[:1], assignee_id=team.annotator.user.id)[0]
    task = board.ok(ann, board.ok(ann, task, "start"), "submit")
    for comment in (None, "", "   "):
        res = board.act(editor, task, "request_changes", **({} if comment is None else {"comment": comment}))
        assert res.status_code == 422, res.text
        assert res.json()["error"]["fields"][0]["field"] == "body.comment"
    assert board.get(editor, task["id"]).json()["version"] == task["version"]  # nothing written
    task = board.ok(editor, task, "request_changes", comment="the bus is a truck")
    assert (task["status"], task["comment"]) == ("changes_requested", "the bus is a truck")
    task = board.ok(ann, task, "resume")
    assert task["status"] == "in_progress"
    assert task["comment"] == "the bus is a truck"
    task = board.ok(ann, task, "submit")
    task = board.ok(editor, task, "request_changes", comment="and the sign")
    task = board.ok(ann, task, "submit")  # straight from changes_requested
    task = board.ok(team.admin.client, task, "approve")
    assert task["status"] == "approved"
    payloads = []
    with engine.connect() as conn:
        for p in conn.execute(select(Event.payload).where(Event.type == "task.changes_requested")).scalars():
            payloads.append(p)
    assert [p["comment"] for p in payloads] == ["the bus is a truck", "and the sign"]


def test_illegal_transitions_are_409_invalid_transition(board: Any) -> None:
    team = board.team
    editor = team.editor.client
    task = board.tasks(editor, board.file_ids[:1])[0]
    res = board.act(editor, task, "approve")
    assert res.status_code == 409
    err = res.json()["error"]
    assert err["code"] == "invalid_transition"
    assert "available" in err["message"]
    assert "approved" in err["message"]
    assert err["detail"] == {"action": "approve", "from": "available", "to": "approved",
                             "allowed_from": ["in_review", "submitted"]}
    for action in ("submit", "resume", "reopen", "start_review", "skip"):
        assert board.act(editor, task, action).json()["error"]["code"] == "invalid_transition", action
    review = board.tasks(editor, board.file_ids[:1], kind="review")[0]
    res = board.act(editor, review, "start_review")
    assert res.status_code == 409
    assert res.json()["error"]["code"] == "invalid_transition"
    assert board.get(editor, task["id"]).json()["version"] == 1


def test_stale_version_is_409_with_the_current_version(board: Any) -> None:
    team = board.team
    ann, editor = team.annotator.client, team.editor.client
    task = board.tasks(editor, board.file_ids[:1])[0]
    started = board.ok(ann, task, "start")
    res = board.act(editor, task, "assign", assignee_id=team.editor.user.id)  # version 1 is stale now
    assert res.status_code == 409
    err = res.json()["error"]
    assert err["code"] == "stale_version"
    assert err["detail"] == {"current_version": 2, "status": "in_progress"}
    assert board.get(editor, task["id"]).json()["assignee_id"] == team.annotator.user.id
    assert board.ok(ann, started, "submit")["version"] == 3


def test_viewer_cannot_act_and_annotator_cannot_approve(board: Any) -> None:
    team = board.team
    ann = team.annotator.client
    task = board.tasks(team.editor.client, board.file_ids[:1])[0]
    assert board.act(team.viewer.client, task, "start").status_code == 403
    assert board.get(team.viewer.client, task["id"]).json()["actions"] == []
    task = board.ok(ann, board.ok(ann, task, "start"), "submit")
    for action, extra in (("approve", {}), ("request_changes", {"comment": "x"}), ("start_review", {})):
        res = board.act(ann, task, action, **extra)
        assert res.status_code == 403, action
        assert res.json()["error"]["code"] == "forbidden"
    assert board.get(ann, task["id"]).json()["actions"] == []


def test_only_the_assignee_works_on_a_task(board: Any, make_user: Any, add_member: Any) -> None:
    from backend.projects.models import Role

    team = board.team
    other = make_user("second@example.com")
    add_member(team.project_id, other, Role.annotator)
    task = board.tasks(team.editor.client, board.file_ids[:1], assignee_id=team.annotator.user.id)[0]
    # assigned to someone else: another annotator neither sees nor starts it
    assert board.get(other.client, task["id"]).status_code == 404
    assert board.act(other.client, task, "start").status_code == 404
    res = board.act(team.editor.client, task, "start")  # editors may see it, but it is not theirs
    assert res.status_code == 403
    task = board.ok(team.annotator.client, task, "start")
    assert board.act(team.editor.client, task, "submit").status_code == 403
    # an editor may take it back; then anyone may claim it
    task = board.ok(team.editor.client, task, "release")
    assert (task["status"], task["assignee_id"]) == ("available", None)
    task = board.ok(other.client, task, "start")
    assert task["assignee_id"] == other.user.id


def test_assign_reassigns_and_validates_the_assignee(board: Any, engine: Engine) -> None:
    team = board.team
    editor = team.editor.client
    task = board.tasks(editor, board.file_ids[:1])[0]
    res = board.act(editor, task, "assign", assignee_id=team.viewer.user.id)
    assert res.status_code == 422
    assert res.json()["error"]["fields"][0]["field"] == "body.assignee_id"
    res = board.act(editor, task, "assign")
    assert res.status_code == 422
    assert res.json()["error"]["fields"][0]["field"] == "body.assignee_id"
    res = board.act(editor, task, "submit", assignee_id=team.annotator.user.id)
    assert res.status_code == 422
    assert res.json()["error"]["fields"][0]["field"] == "body.assignee_id"
    task = board.ok(editor, task, "assign", assignee_id=team.annotator.user.id)
    assert (task["status"], task["assignee_id"]) == ("available", team.annotator.user.id)
    task = board.ok(team.annotator.client, task, "start")
    res = board.act(editor, task, "assign", assignee_id=None)
    assert res.status_code == 422  # an in-progress task keeps an assignee; release it instead
    task = board.ok(editor, task, "assign", assignee_id=team.admin.user.id)
    assert (task["status"], task["assignee_id"]) == ("in_progress", team.admin.user.id)
    assert board.get(team.annotator.client, task["id"]).status_code == 404
    assert _event_types(engine, task["id"]).count("task.assigned") == 2


def test_skip_and_reopen(board: Any) -> None:
    team = board.team
    ann, editor = team.annotator.client, team.editor.client
    task = board.ok(ann, board.tasks(editor, board.file_ids[:1])[0], "start")
    task = board.ok(ann, task, "skip", comment="blurry")
    assert task["status"] == "skipped"
    assert task["completed_at"] is not None
    assert board.act(ann, task, "reopen").status_code == 403
    task = board.ok(editor, task, "reopen", assignee_id=team.annotator.user.id)
    assert (task["status"], task["assignee_id"], task["completed_at"]) == (
        "available", team.annotator.user.id, None)


def test_review_task_verdict_settles_the_reviewed_task(board: Any, engine: Engine) -> None:
    team = board.team
    ann, editor = team.annotator.client, team.editor.client
    work = board.ok(ann, board.ok(ann, board.tasks(editor, board.file_ids[:1])[0], "start"), "submit")
    review = board.tasks(editor, board.file_ids[:1], kind="review", parent_task_id=work["id"],
                         assignee_id=team.admin.user.id)[0]
    admin = team.admin.client
    review = board.ok(admin, review, "start")
    assert review["actions"] == ["approve", "request_changes", "skip", "release", "assign"]
    res = board.act(admin, review, "request_changes")
    assert res.status_code == 422
    assert res.json()["error"]["fields"][0]["field"] == "body.comment"
    review = board.ok(admin, review, "request_changes", comment="box too loose")
    assert review["status"] == "changes_requested"
    assert review["completed_at"] is not None
    work = board.get(ann, work["id"]).json()
    assert (work["status"], work["comment"], work["reviewer_id"]) == (
        "changes_requested", "box too loose", team.admin.user.id)
    work = board.ok(ann, work, "submit")
    review2 = board.tasks(editor, board.file_ids[:1], kind="review", parent_task_id=work["id"])[0]
    review2 = board.ok(ann, review2, "start")  # an annotator may review when given a review task
    review2 = board.ok(ann, review2, "approve")
    assert board.get(editor, work["id"]).json()["status"] == "approved"
    assert "task.approved" in _event_types(engine, work["id"])


def test_transition_table_is_published(board: Any) -> None:
    res = board.team.viewer.client.get("/api/v1/task-transitions")
    assert res.status_code == 200
    rows = {(r["kind"], r["action"]): r for r in res.json()}
    rc = rows[("annotate", "request_changes")]
    assert rc["comment_required"] is True
    assert rc["to_status"] == "changes_requested"
    assert set(rc["from_statuses"]) == {"submitted", "in_review"}
    assert rows[("annotate", "assign")]["to_status"] is None
    assert ("review", "start_review") not in rows
