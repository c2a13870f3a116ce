"""The loop inside ``groundwork serve`` that runs export and import jobs, safely across replicas.

Claiming takes the oldest pending job (or a running one whose lease ran out: its runner died)
with ``FOR UPDATE SKIP LOCKED``, so several API replicas each take different jobs. A runner
renews its lease from a thread of its own while the job runs (and the job's progress writes check
it still holds it: ``JobContext.heartbeat``); one that dies leaves a job whose lease runs out and is
claimed again, up to ``MAX_ATTEMPTS`` claims, after which it is failed with a
clear reason. A runner told to stop hands its job back as pending so the next start resumes it.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from backend.config import Settings
from backend.core.db import transaction
from backend.core.errors import AppError
from backend.core.types import utcnow
from backend.files.storage import Storage
from backend.jobs import repository
from backend.jobs.models import BackgroundJob, JobStatus

log = logging.getLogger(__name__)

LEASE_S = 120.0
MAX_ATTEMPTS = 3
POLL_S = 1.0


class LeaseLost(Exception):
    """Another runner owns the job now (ours ran out): stop without writing anything more."""


class Interrupted(Exception):
    """The process is shutting down: hand the job back so the next start continues it."""


def failure_message(exc: BaseException) -> str:
    """What a failed job reports: an error meant for people as it is, anything else named."""
    if isinstance(exc, AppError):
        return exc.message[:2000]
    return f"internal error ({type(exc).__name__}): {exc}"[:2000]


@dataclass
class JobContext:
    """What a job function needs: the database, settings, media storage, and its lease."""

    settings: Settings
    factory: sessionmaker[Session]
    storage: Storage
    owner: str
    stop: threading.Event = field(default_factory=threading.Event)
    lease_s: float = LEASE_S
    read_factory: sessionmaker[Session] | None = None  # read-only transactions (SQLite: no write lock)
    lost: threading.Event = field(default_factory=threading.Event)  # set when another runner took the job

    def reading(self) -> sessionmaker[Session]:
        """The factory for transactions that only read."""
        return self.read_factory or self.factory

    def lease_until(self, now: datetime | None = None) -> datetime:
        """When a lease taken (or renewed) now runs out."""
        return (now or utcnow()) + timedelta(seconds=self.lease_s)

    def heartbeat(self, session: Session, model: type[BackgroundJob], job_id: int, **values: Any) -> None:
        """Renew the lease and write ``values`` in ``session``'s transaction; raises if the job is not ours."""
        if self.stop.is_set():
            raise Interrupted
        renewed = not self.lost.is_set() and repository.heartbeat(session, model, job_id, self.owner,
                                                                   self.lease_until(), values)
        if not renewed:
            raise LeaseLost(f"job {job_id} is no longer ours")

    def beat(self, model: type[BackgroundJob], job_id: int, **values: Any) -> None:
        """``heartbeat`` in a transaction of its own."""
        with transaction(self.factory) as session:
            self.heartbeat(session, model, job_id, **values)


@dataclass(frozen=True)
class JobKind:
    """One kind of job: its table, the function that runs a claimed job, and what a failure records."""

    name: str
    model: type[BackgroundJob]
    run: Callable[[JobContext, int], None]
    on_failed: Callable[[Session, Any, str], None]


def new_owner() -> str:
    """A name for this runner, unique across processes and machines."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def claim(ctx: JobContext, kind: JobKind) -> int | None:
    """Take the next job of this kind (failing ones that ran out of attempts); its id, or None."""
    with transaction(ctx.reading()) as session:
        if not repository.any_claimable(session, kind.model, utcnow()):
            return None  # the common, idle case: no write transaction (SQLite's lock stays free)
    while True:
        with transaction(ctx.factory) as session:
            now = utcnow()
            job = repository.next_claimable(session, kind.model, now)
            if job is None:
                return None
            if job.status == JobStatus.running and job.attempts >= MAX_ATTEMPTS:
                message = (f"stopped {job.attempts} times without finishing (the server running it crashed or was "
                           "killed); giving up")
                job.status, job.error, job.finished_at = JobStatus.failed, message, now
                job.lease_owner, job.lease_until = None, None
                kind.on_failed(session, job, message)
                continue
            job.status, job.attempts, job.lease_owner = JobStatus.running, job.attempts + 1, ctx.owner
            job.lease_until, job.error = ctx.lease_until(now), None
            job.started_at = job.started_at or now
            return job.id


def _keep_alive(ctx: JobContext, kind: JobKind, job_id: int, done: threading.Event) -> None:
    """Renew the lease every quarter of its length while the job runs, whatever step it is in."""
    while not done.wait(ctx.lease_s / 4):
        try:
            with transaction(ctx.factory) as session:
                if not repository.heartbeat(session, kind.model, job_id, ctx.owner, ctx.lease_until(), {}):
                    ctx.lost.set()
                    return
        except Exception:  # the database is away for a moment: the next round tries again
            log.warning("could not renew the lease of %s job %s", kind.name, job_id, exc_info=True)


def execute(ctx: JobContext, kind: JobKind, job_id: int) -> None:
    """Run a claimed job; a failure is recorded on the job (and by ``kind.on_failed``), never raised."""
    done = threading.Event()
    keeper = threading.Thread(target=_keep_alive, args=(ctx, kind, job_id, done), daemon=True,
                              name=f"gw-lease-{kind.name}-{job_id}")
    keeper.start()
    try:
        kind.run(ctx, job_id)
    except LeaseLost:
        log.warning("%s job %s: lease lost to another runner; stopped", kind.name, job_id)
    except Interrupted:
        with transaction(ctx.factory) as session:
            # a shutdown is no failed attempt: give the attempt back too
            repository.finish(session, kind.model, job_id, ctx.owner, JobStatus.pending, utcnow(),
                              {"attempts": kind.model.attempts - 1})
        log.info("%s job %s handed back (shutting down)", kind.name, job_id)
    except Exception as exc:
        if isinstance(exc, AppError):  # a failure meant for the user (bad upload, role gone): no traceback
            log.warning("%s job %s failed: %s", kind.name, job_id, exc.message)
        else:
            log.exception("%s job %s failed", kind.name, job_id)
        fail(ctx, kind, job_id, failure_message(exc))
    finally:
        done.set()
        keeper.join()


def fail(ctx: JobContext, kind: JobKind, job_id: int, message: str) -> None:
    """Mark an owned job failed with ``message`` and record what its kind records on failure."""
    with transaction(ctx.factory) as session:
        job = repository.owned(session, kind.model, job_id, ctx.owner)
        if job is None:
            return
        job.status, job.error, job.finished_at = JobStatus.failed, message, utcnow()
        job.lease_owner, job.lease_until = None, None
        kind.on_failed(session, job, message)


@dataclass
class JobRunner:
    """The background loop: claim a job of any kind, run it, sleep briefly when there is none."""

    settings: Settings
    factory: sessionmaker[Session]
    storage: Storage
    kinds: list[JobKind]
    read_factory: sessionmaker[Session] | None = None
    owner: str = field(default_factory=new_owner)

    def context(self, stop: threading.Event | None = None) -> JobContext:
        """The context jobs of this runner get."""
        return JobContext(self.settings, self.factory, self.storage, self.owner, stop or threading.Event(),
                          read_factory=self.read_factory)

    def run_once(self, stop: threading.Event | None = None) -> bool:
        """Claim and run at most one job; whether there was one."""
        ctx = self.context(stop)
        for kind in self.kinds:
            job_id = claim(ctx, kind)
            if job_id is not None:
                execute(ctx, kind, job_id)
                return True
        return False

    def run(self, stop: threading.Event) -> None:
        """Run until ``stop`` is set; a failing pass (database away) is logged and retried after a pause."""
        while not stop.is_set():
            try:
                busy = self.run_once(stop)
            except Exception:
                log.exception("job runner pass failed; retrying")
                stop.wait(5.0)
                continue
            if not busy:
                stop.wait(POLL_S)
