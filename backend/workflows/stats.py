"""Per-workflow figures: runs by status, success rate, duration percentiles, items, per day, per step."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.orm import Session

from backend.core.types import utcnow
from backend.workflows import stats_repository as repo
from backend.workflows.models import RunStatus
from backend.workflows.run_schemas import DayStats, StepStats, WorkflowStats

DAYS = 30
# Percentiles come from the newest finished runs (and steps): recent behaviour, bounded cost.
DURATION_SAMPLE = 20_000


def percentile(values: list[float], q: float) -> float | None:
    """The ``q`` quantile (0..1) by linear interpolation between closest ranks; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def _day(value: object) -> date:
    # SQLite answers 'YYYY-MM-DD' text, PostgreSQL a date.
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def workflow_stats(session: Session, workflow_id: int, today: date | None = None) -> WorkflowStats:
    """The figures for one workflow (``today``: the last day of ``per_day``, default the current UTC day)."""
    counts = dict.fromkeys(RunStatus, 0)
    items = 0
    for status, n, total in repo.by_status(session, workflow_id):
        counts[status] = n
        items += int(total)
    finished = counts[RunStatus.succeeded] + counts[RunStatus.failed]
    durations = [(f - (s or c)).total_seconds() for s, c, f in repo.run_durations(session, workflow_id,
                                                                                    DURATION_SAMPLE)]
    today = today or utcnow().date()
    first = today - timedelta(days=DAYS - 1)
    days = {first + timedelta(days=i): DayStats(date=first + timedelta(days=i), runs=0, succeeded=0, failed=0)
            for i in range(DAYS)}
    since = datetime.combine(first, time.min, tzinfo=UTC)
    for day, status, n in repo.per_day(session, workflow_id, since):
        entry = days.get(_day(day))
        if entry is None:
            continue
        entry.runs += n
        if status is RunStatus.succeeded:
            entry.succeeded += n
        elif status is RunStatus.failed:
            entry.failed += n
    step_durations: dict[str, list[float]] = defaultdict(list)
    for key, started, ended in repo.step_durations(session, workflow_id, DURATION_SAMPLE):
        step_durations[key].append((ended - started).total_seconds())
    steps = [StepStats(key=key, runs=n, failed=int(failed), duration_p50_s=percentile(step_durations[key], 0.5))
             for key, n, failed in repo.step_counts(session, workflow_id)]
    return WorkflowStats(
        runs=sum(counts.values()), by_status=counts,
        success_rate=counts[RunStatus.succeeded] / finished if finished else None,
        duration_p50_s=percentile(durations, 0.5), duration_p95_s=percentile(durations, 0.95),
        items_processed=items, per_day=list(days.values()), steps=steps)
