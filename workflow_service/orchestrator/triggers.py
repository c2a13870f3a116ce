"""Which workflows an event starts, and which schedules are due."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from fnmatch import fnmatchcase
from typing import Any

from celery.schedules import crontab
from groundwork.events import EventMessage
from groundwork.workflows import Catalogue
from groundwork.workflows.spec import Trigger

from workflow_service.plan import Plan, compile_plan

log = logging.getLogger(__name__)


@dataclass
class ActiveWorkflow:
    """An enabled workflow's current version, compiled."""

    workflow_id: int
    project_id: int
    version_id: int
    name: str
    plan: Plan
    triggers: list[Trigger]
    last_tick: datetime = field(default_factory=lambda: datetime.now(UTC).replace(second=0, microsecond=0))

    def event_triggers(self, event: EventMessage) -> list[Trigger]:
        """The event triggers this event fires (same project; a workflow's own events never start it)."""
        if event.project_id != self.project_id or event.payload.get("workflow_id") == self.workflow_id:
            return []
        return [t for t in self.triggers if t.event is not None and fnmatchcase(event.type, t.event)]

    def due_schedules(self, now: datetime) -> list[datetime]:
        """Minute slots since the last check in which a cron trigger fired (each slot starts one run)."""
        slots: list[datetime] = []
        minute = self.last_tick + timedelta(minutes=1)
        end = now.replace(second=0, microsecond=0)
        while minute <= end and len(slots) < 60:
            if any(t.schedule and _cron_matches(t.schedule, minute) for t in self.triggers):
                slots.append(minute)
            minute += timedelta(minutes=1)
        self.last_tick = max(self.last_tick, end)
        return slots


def _cron_matches(expr: str, when: datetime) -> bool:
    m, h, dom, mon, dow = expr.split()
    spec = crontab(minute=m, hour=h, day_of_month=dom, month_of_year=mon, day_of_week=dow)
    return (when.minute in spec.minute and when.hour in spec.hour and when.day in spec.day_of_month
            and when.month in spec.month_of_year and (when.isoweekday() % 7) in spec.day_of_week)


def compile_workflows(rows: list[dict[str, Any]], catalogue: Catalogue,
                      previous: dict[int, ActiveWorkflow]) -> dict[int, ActiveWorkflow]:
    """Active workflows from the backend's list; a version this worker cannot run is logged and left out."""
    active: dict[int, ActiveWorkflow] = {}
    for row in rows:
        old = previous.get(row["workflow_id"])
        if old is not None and old.version_id == row["version_id"]:
            active[old.workflow_id] = old
            continue
        try:
            plan = compile_plan(row["definition"], catalogue)
        except Exception as exc:
            log.error("workflow %s (%s) v%s cannot run on this worker: %s", row["workflow_id"], row.get("name"),
                      row.get("version"), exc)
            continue
        triggers = [Trigger.model_validate(t) for t in row["definition"].get("on", [])]
        active[row["workflow_id"]] = ActiveWorkflow(row["workflow_id"], row["project_id"], row["version_id"],
                                                    row.get("name", ""), plan, triggers)
    return active
