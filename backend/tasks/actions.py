"""Apply one action to one task, checked against the transition table and written race-free."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from backend.core.errors import Conflict, Forbidden, NotFound, StaleVersion, ValidationFailed
from backend.core.types import utcnow
from backend.events.service import record
from backend.projects.deps import ProjectAccess
from backend.tasks import repository
from backend.tasks.models import Task, TaskKind, TaskStatus
from backend.tasks.schemas import TaskActionRequest
from backend.tasks.service import assignee_error, event_payload, fail, visible_task
from backend.tasks.transitions import EDITORS, TRANSITIONS, Action, Effect, Transition, Who, may

E = Effect
S = TaskStatus


class InvalidTransition(Conflict):
    """The action does not apply to a task in its current status (or of its kind)."""

    code = "invalid_transition"


_WHO_TEXT = {
    Who.claimer: "its assignee (or anyone who may annotate, while it is unassigned)",
    Who.assignee: "its assignee",
    Who.assignee_or_editor: "its assignee, an editor or an admin",
    Who.editor: "an editor or an admin",
}


def _stale(task: Task, seen: int) -> StaleVersion:
    return StaleVersion(f"the task changed since version {seen} (now version {task.version}, "
                        f"status {task.status.value}); reload it and try again", field="body.version",
                        detail={"current_version": task.version, "status": task.status.value})


def _check_input(session: Session, access: ProjectAccess, task: Task, rule: Transition,
                 data: TaskActionRequest) -> None:
    """Body checks that do not depend on who acts: the comment and the assignee."""
    if rule.comment_required and not data.comment:
        raise ValidationFailed(f"{data.action.value} needs a comment saying what to change", field="body.comment")
    gives_assignee = "assignee_id" in data.model_fields_set
    if gives_assignee and Effect.assignee_from_body not in rule.effects:
        raise ValidationFailed(f"{data.action.value} takes no assignee_id (assign and reopen do)",
                               field="body.assignee_id")
    if data.action is Action.assign and not gives_assignee:
        raise ValidationFailed("assign needs assignee_id (null to unassign an available task)",
                               field="body.assignee_id")
    if data.assignee_id is not None:
        problem = assignee_error(session, access.project.id, data.assignee_id, "body.assignee_id")
        if problem:
            raise fail([problem])
    elif data.action is Action.assign and task.status != S.available:
        raise ValidationFailed(f"a task that is {task.status.value} needs an assignee; release it instead",
                               field="body.assignee_id")


def _values(rule: Transition, task: Task, user_id: int, data: TaskActionRequest) -> dict[str, Any]:
    """The columns this transition writes (the version is bumped by the repository)."""
    now = utcnow()
    values: dict[str, Any] = {}
    if rule.target is not None:
        values["status"] = rule.target
    if E.claim in rule.effects and task.assignee_id is None:
        values["assignee_id"] = user_id
    if E.clear_assignee in rule.effects:
        values["assignee_id"] = None
    if E.assignee_from_body in rule.effects and "assignee_id" in data.model_fields_set:
        values["assignee_id"] = data.assignee_id
    if E.set_reviewer in rule.effects:
        values["reviewer_id"] = user_id
    if E.stamp_submitted in rule.effects:
        values["submitted_at"] = now
    if E.stamp_completed in rule.effects:
        values["completed_at"] = now
    if E.clear_completed in rule.effects:
        values["completed_at"] = None
    if data.comment is not None:
        values["comment"] = data.comment
    return values


def act(session: Session, access: ProjectAccess, task_id: int, data: TaskActionRequest) -> Task:
    """Move a task along the transition table; 409 for an illegal move or a stale version."""
    task = visible_task(session, access, task_id)
    rule = TRANSITIONS[task.kind].get(data.action)
    if rule is None:
        allowed = ", ".join(TRANSITIONS[task.kind])
        raise InvalidTransition(f"{task.kind.value} tasks have no {data.action.value} action (they have: "
                                f"{allowed})", field="body.action",
                                detail={"action": data.action.value, "kind": task.kind.value})
    _check_input(session, access, task, rule, data)
    if rule.who is Who.editor and access.role not in EDITORS:
        raise Forbidden(f"only an editor or an admin may {data.action.value} a task")
    if task.version != data.version:
        raise _stale(task, data.version)
    if task.status not in rule.sources:
        target = (rule.target or task.status).value
        sources = ", ".join(sorted(s.value for s in rule.sources))
        raise InvalidTransition(
            f"cannot {data.action.value} a task that is {task.status.value} (from {task.status.value} "
            f"to {target}); {data.action.value} applies to tasks that are {sources}", field="body.action",
            detail={"action": data.action.value, "from": task.status.value, "to": target,
                    "allowed_from": sorted(s.value for s in rule.sources)})
    if not may(rule, access.role, access.user.id, task.assignee_id):
        raise Forbidden(f"only {_WHO_TEXT[rule.who]} may {data.action.value} this task")

    before_status, before_assignee = task.status, task.assignee_id
    updated = repository.update_if_version(session, task.id, data.version, _values(rule, task, access.user.id,
                                                                                     data))
    if updated is None:  # someone else wrote between our read and our write
        current = repository.reload_task(session, task.id)
        if current is None:
            raise NotFound("task not found", field="path.task_id")
        raise _stale(current, data.version)

    extra = {"from_status": before_status.value, "comment": updated.comment if data.comment else None}
    record(session, rule.event, project_id=updated.project_id, actor_id=access.user.id,
           payload=event_payload(updated, **extra))
    if rule.event != "task.assigned" and updated.assignee_id not in (None, before_assignee):
        record(session, "task.assigned", project_id=updated.project_id, actor_id=access.user.id,
               payload=event_payload(updated, from_status=before_status.value))
    if E.propagate_to_parent in rule.effects and updated.parent_task_id is not None:
        _settle_parent(session, access, updated, rule)
    return updated


def _settle_parent(session: Session, access: ProjectAccess, review: Task, rule: Transition) -> None:
    """A review task's verdict also approves (or sends back) the annotate task it reviews, if it awaits one."""
    assert review.parent_task_id is not None
    parent = repository.get_task(session, review.project_id, review.parent_task_id)
    if parent is None or parent.kind != TaskKind.annotate:
        return
    before = parent.status
    values: dict[str, Any] = {"status": review.status, "reviewer_id": access.user.id}
    if review.status == S.approved:
        values["completed_at"] = utcnow()
    else:
        values["comment"] = review.comment
    settled = repository.update_if_status(session, parent.id, (S.submitted, S.in_review), values)
    if settled is not None:
        record(session, rule.event, project_id=settled.project_id, actor_id=access.user.id,
               payload=event_payload(settled, from_status=before.value, via_review_task_id=review.id,
                                     comment=settled.comment if review.status != S.approved else None))
