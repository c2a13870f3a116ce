"""SQL for the job lifecycle: claim (``FOR UPDATE SKIP LOCKED``), heartbeat and finish under a lease.

Every write after the claim is conditional on ``lease_owner``: a runner whose lease ran out (and
whose job another runner took over) changes nothing, and learns so from the row count.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from backend.jobs.models import BackgroundJob, JobStatus

J = TypeVar("J", bound=BackgroundJob)


def next_claimable(session: Session, model: type[J], now: datetime) -> J | None:
    """The oldest pending job, or running one whose lease ran out, locked (others skip it)."""
    stmt = (select(model)
            .where(or_(model.status == JobStatus.pending,
                       and_(model.status == JobStatus.running, model.lease_until < now)))
            .order_by(model.id).limit(1)
            .with_for_update(skip_locked=True))  # SQLite: writers are serialised by BEGIN IMMEDIATE instead
    return session.scalars(stmt).first()


def any_claimable(session: Session, model: type[BackgroundJob], now: datetime) -> bool:
    """Whether some job could be claimed (a plain read: idle polling takes no lock)."""
    stmt = select(model.id).where(or_(model.status == JobStatus.pending,
                                      and_(model.status == JobStatus.running, model.lease_until < now))).limit(1)
    return session.scalar(stmt) is not None


def heartbeat(session: Session, model: type[BackgroundJob], job_id: int, owner: str, until: datetime,
              values: dict[str, Any]) -> bool:
    """Extend the lease (and write ``values``) if ``owner`` still holds it; whether it did."""
    result = session.execute(
        update(model).where(model.id == job_id, model.lease_owner == owner, model.status == JobStatus.running)
        .values(lease_until=until, **values).execution_options(synchronize_session=False))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def finish(session: Session, model: type[BackgroundJob], job_id: int, owner: str, status: JobStatus,
           at: datetime, values: dict[str, Any]) -> bool:
    """End the job with ``status`` (releasing the lease) if ``owner`` still holds it; whether it did."""
    finished = at if status in (JobStatus.succeeded, JobStatus.failed) else None
    result = session.execute(
        update(model).where(model.id == job_id, model.lease_owner == owner, model.status == JobStatus.running)
        .values(status=status, lease_owner=None, lease_until=None, finished_at=finished, **values)
        .execution_options(synchronize_session=False))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def owned(session: Session, model: type[J], job_id: int, owner: str) -> J | None:
    """The job, locked, if ``owner`` holds its lease."""
    return session.scalars(select(model).where(model.id == job_id, model.lease_owner == owner,
                                               model.status == JobStatus.running).with_for_update()).first()
