"""The task state machine: ONE table of transitions, the single source of truth.

The service validates every action against ``TRANSITIONS``; ``GET /api/v1/task-transitions``
serves the same table, and every task read lists the actions its caller may take now.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from backend.projects.models import Role
from backend.tasks.models import TaskKind, TaskStatus

S = TaskStatus


class Action(enum.StrEnum):
    start = "start"
    submit = "submit"
    skip = "skip"
    release = "release"
    start_review = "start_review"
    approve = "approve"
    request_changes = "request_changes"
    resume = "resume"
    reopen = "reopen"
    assign = "assign"


class Who(enum.StrEnum):
    """Who may take an action (roles below admin/editor/annotator never act on tasks)."""

    claimer = "claimer"  # the assignee; anyone who may annotate when the task is unassigned
    assignee = "assignee"  # the assignee only
    assignee_or_editor = "assignee_or_editor"
    editor = "editor"  # admin or editor


class Effect(enum.StrEnum):
    """Side effects of a transition besides the status change."""

    claim = "claim"  # unassigned → assigned to the caller
    clear_assignee = "clear_assignee"
    assignee_from_body = "assignee_from_body"  # assign (required) / reopen (optional)
    set_reviewer = "set_reviewer"  # reviewer → the caller
    stamp_submitted = "stamp_submitted"
    stamp_completed = "stamp_completed"
    clear_completed = "clear_completed"
    propagate_to_parent = "propagate_to_parent"  # a review verdict also settles the reviewed task


@dataclass(frozen=True)
class Transition:
    """One legal move: from any of ``sources`` to ``target`` (None: status unchanged)."""

    sources: frozenset[TaskStatus]
    target: TaskStatus | None
    who: Who
    event: str
    effects: frozenset[Effect] = frozenset()
    comment_required: bool = False


def _t(sources: set[TaskStatus], target: TaskStatus | None, who: Who, event: str,
       *effects: Effect, comment_required: bool = False) -> Transition:
    return Transition(frozenset(sources), target, who, event, frozenset(effects), comment_required)


E = Effect
OPEN_ANNOTATE = {S.available, S.in_progress, S.submitted, S.in_review, S.changes_requested}
OPEN_REVIEW = {S.available, S.in_progress}

TRANSITIONS: dict[TaskKind, dict[Action, Transition]] = {
    TaskKind.annotate: {
        Action.start: _t({S.available}, S.in_progress, Who.claimer, "task.started", E.claim),
        Action.submit: _t({S.in_progress, S.changes_requested}, S.submitted, Who.assignee, "task.submitted",
                          E.stamp_submitted),
        Action.skip: _t({S.in_progress}, S.skipped, Who.assignee, "task.skipped", E.stamp_completed),
        Action.release: _t({S.in_progress}, S.available, Who.assignee_or_editor, "task.released",
                           E.clear_assignee),
        Action.start_review: _t({S.submitted}, S.in_review, Who.editor, "task.review_started", E.set_reviewer),
        Action.approve: _t({S.submitted, S.in_review}, S.approved, Who.editor, "task.approved",
                           E.set_reviewer, E.stamp_completed),
        Action.request_changes: _t({S.submitted, S.in_review}, S.changes_requested, Who.editor,
                                   "task.changes_requested", E.set_reviewer, comment_required=True),
        Action.resume: _t({S.changes_requested}, S.in_progress, Who.assignee, "task.resumed"),
        Action.reopen: _t({S.skipped, S.approved}, S.available, Who.editor, "task.reopened",
                          E.clear_assignee, E.assignee_from_body, E.clear_completed),
        Action.assign: _t(OPEN_ANNOTATE, None, Who.editor, "task.assigned", E.assignee_from_body),
    },
    TaskKind.review: {
        Action.start: _t({S.available}, S.in_progress, Who.claimer, "task.started", E.claim),
        Action.approve: _t({S.in_progress}, S.approved, Who.assignee_or_editor, "task.approved",
                           E.set_reviewer, E.stamp_completed, E.propagate_to_parent),
        Action.request_changes: _t({S.in_progress}, S.changes_requested, Who.assignee_or_editor,
                                   "task.changes_requested", E.set_reviewer, E.stamp_completed,
                                   E.propagate_to_parent, comment_required=True),
        Action.skip: _t({S.in_progress}, S.skipped, Who.assignee, "task.skipped", E.stamp_completed),
        Action.release: _t({S.in_progress}, S.available, Who.assignee_or_editor, "task.released",
                           E.clear_assignee),
        Action.reopen: _t({S.skipped, S.approved, S.changes_requested}, S.available, Who.editor,
                          "task.reopened", E.clear_assignee, E.assignee_from_body, E.clear_completed),
        Action.assign: _t(OPEN_REVIEW, None, Who.editor, "task.assigned", E.assignee_from_body),
    },
}

# Statuses in which a task still counts as open work (no duplicate is created beside one). A review
# task that requested changes has given its verdict; an annotate task sent back is still open.
OPEN_STATUSES: dict[TaskKind, frozenset[TaskStatus]] = {
    TaskKind.annotate: frozenset(OPEN_ANNOTATE), TaskKind.review: frozenset(OPEN_REVIEW)}
EDITORS = frozenset({Role.admin, Role.editor})
ACTING_ROLES = frozenset({Role.admin, Role.editor, Role.annotator})


def may(rule: Transition, role: Role, user_id: int, assignee_id: int | None) -> bool:
    """Whether a caller with ``role`` may take a transition on a task assigned to ``assignee_id``."""
    if role not in ACTING_ROLES:
        return False
    if rule.who is Who.editor:
        return role in EDITORS
    if rule.who is Who.assignee:
        return assignee_id == user_id
    if rule.who is Who.assignee_or_editor:
        return assignee_id == user_id or role in EDITORS
    return assignee_id is None or assignee_id == user_id  # Who.claimer


def actions_for(kind: TaskKind, status: TaskStatus, role: Role, user_id: int,
                assignee_id: int | None) -> list[Action]:
    """The actions a caller may take on a task right now (for buttons in the UI)."""
    return [action for action, rule in TRANSITIONS[kind].items()
            if status in rule.sources and may(rule, role, user_id, assignee_id)]
