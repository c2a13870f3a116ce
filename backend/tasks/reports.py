"""Task reports over time: work submitted and approved per annotator per day (the Insights page)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import Session

from backend.core.types import utcnow
from backend.tasks import repository
from backend.tasks.schemas import AnnotatorThroughput, TaskThroughput, ThroughputDay


def _as_date(value: Any) -> date:
    """SQL date() answers a date on PostgreSQL and ISO text on SQLite."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def throughput(session: Session, project_id: int, days: int, today: date | None = None) -> TaskThroughput:
    """Submitted and approved annotate tasks per annotator per UTC day, for the ``days`` days up to today."""
    until = today or utcnow().date()
    since = until - timedelta(days=days - 1)
    span = [since + timedelta(days=i) for i in range(days)]
    per_user: dict[int | None, dict[date, ThroughputDay]] = {}
    for measure, user_id, raw_day, n in repository.throughput_rows(
            session, project_id, datetime.combine(since, time(), tzinfo=UTC)):
        day = _as_date(raw_day)
        if day > until:
            continue  # a clock ahead of ours; such days are not in the range
        days_of = per_user.setdefault(user_id, {})
        entry = days_of.setdefault(day, ThroughputDay(day=day))
        setattr(entry, measure, getattr(entry, measure) + n)
    names = repository.user_names(session, [u for u in per_user if u is not None])
    annotators = []
    for user_id, by_day in per_user.items():
        series = [by_day.get(d, ThroughputDay(day=d)) for d in span]
        annotators.append(AnnotatorThroughput(
            user_id=user_id, name=names.get(user_id) if user_id is not None else None,
            submitted=sum(x.submitted for x in series), approved=sum(x.approved for x in series), days=series))
    annotators.sort(key=lambda a: (-a.submitted, -a.approved, a.user_id is None, a.user_id or 0))
    totals = [ThroughputDay(day=d, submitted=sum(a.days[i].submitted for a in annotators),
                            approved=sum(a.days[i].approved for a in annotators)) for i, d in enumerate(span)]
    return TaskThroughput(since=since, until=until, totals=totals, annotators=annotators)
