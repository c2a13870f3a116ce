"""Which events start which workflows, and when schedules fire."""

from datetime import UTC, datetime, timedelta
from typing import Any

from groundwork.events import EventMessage
from groundwork.workflows.spec import Trigger

from workflow_service.orchestrator.triggers import ActiveWorkflow
from workflow_service.plan import Plan


def workflow(*triggers: dict[str, Any], workflow_id: int = 3, project_id: int = 1) -> ActiveWorkflow:
    return ActiveWorkflow(workflow_id, project_id, 30, "w", Plan("w", {}, []),
                          [Trigger.model_validate(t) for t in triggers])


def event(type_: str, project_id: int = 1, **payload: Any) -> EventMessage:
    return EventMessage(id=1, type=type_, project_id=project_id, actor_id=None, occurred_at=datetime.now(UTC),
                        payload=payload)


def test_event_patterns_match_within_the_project_and_never_the_workflow_itself() -> None:
    wf = workflow({"event": "task.*"}, {"event": "workflow.run.succeeded"})
    assert len(wf.event_triggers(event("task.approved"))) == 1
    assert wf.event_triggers(event("task.approved", project_id=2)) == []
    assert wf.event_triggers(event("file.created")) == []
    assert len(wf.event_triggers(event("workflow.run.succeeded", workflow_id=9))) == 1  # another workflow's
    assert wf.event_triggers(event("workflow.run.succeeded", workflow_id=3)) == []  # its own: no loop


def test_a_schedule_fires_once_per_matching_minute_since_the_last_check() -> None:
    wf = workflow({"schedule": "*/15 * * * *"}, {"manual": True})
    start = datetime(2026, 11, 21, 9, 58, tzinfo=UTC)
    wf.last_tick = start
    assert wf.due_schedules(start + timedelta(seconds=59)) == []
    slots = wf.due_schedules(start + timedelta(minutes=20, seconds=5))
    assert slots == [datetime(2026, 11, 21, 10, 0, tzinfo=UTC), datetime(2026, 11, 21, 10, 15, tzinfo=UTC)]
    assert wf.due_schedules(start + timedelta(minutes=20, seconds=30)) == []  # each slot once


def test_day_of_week_follows_cron() -> None:
    wf = workflow({"schedule": "0 6 * * 1"})  # Mondays at 06:00
    wf.last_tick = datetime(2026, 11, 22, 0, 0, tzinfo=UTC)  # a Sunday
    slots = wf.due_schedules(datetime(2026, 11, 23, 7, 0, tzinfo=UTC))
    assert slots == [datetime(2026, 11, 23, 6, 0, tzinfo=UTC)]
