"""Running an import: read the upload row by row and write through the annotations service in chunks.

Each chunk of ``CHUNK_ROWS`` rows commits in ONE transaction: its annotations (through
``annotations.service.bulk_write``: the same validation, versions, label counts and
``annotations.bulk_written`` event as the API), its rejected rows, and the job's resume point
``rows_done``. So whatever stops an import — a crash, a lost database, a failed chunk — leaves
exactly the chunks before it, and resuming continues at the next row: nothing twice, nothing lost.
A file that cannot be read at all is found by the first pass (``scan``) before anything is written.
"""

from __future__ import annotations

import logging
import queue
import shutil
import threading
from collections import Counter
from collections.abc import Iterator
from itertools import islice

from sqlalchemy.orm import Session

from backend.auth.models import User
from backend.core.db import transaction
from backend.core.errors import Forbidden, ValidationFailed
from backend.core.types import utcnow
from backend.imports import repository
from backend.imports.chunks import Chunk, prepare
from backend.imports.formats import READERS
from backend.imports.formats.base import LabelRule, Reader, Row
from backend.imports.matching import FileIndex
from backend.imports.models import ImportJob
from backend.imports.service import record_outcome, upload_path
from backend.jobs import repository as jobs_repo
from backend.jobs.models import JobStatus
from backend.jobs.runner import JobContext, JobKind
from backend.projects.deps import EDITORS, ProjectAccess, effective_role
from backend.projects.models import Project

log = logging.getLogger(__name__)

CHUNK_ROWS = 10_000


def _access(session: Session, job: ImportJob) -> ProjectAccess:
    """The importing member, who must still be an editor or admin (roles can change while a job waits)."""
    user = session.get(User, job.created_by_id) if job.created_by_id is not None else None
    project = session.get(Project, job.project_id)
    role = effective_role(session, job.project_id, user) if user is not None and user.is_active else None
    if user is None or project is None or role not in EDITORS:
        raise Forbidden("the member who started this import may no longer write annotations (role changed "
                        "or removed)")
    assert role is not None
    return ProjectAccess(project=project, user=user, role=role)


def _labels(session: Session, schema_id: int) -> dict[str, LabelRule]:
    return {lab.name: LabelRule(lab.name, frozenset(lab.annotation_types),
                                tuple(lab.keypoint_names) if lab.keypoint_names else None)
            for lab in repository.schema_labels(session, schema_id)}


def _chunks(rows: Iterator[Row]) -> Iterator[list[Row]]:
    while chunk := list(islice(rows, CHUNK_ROWS)):
        yield chunk


class _Aborted(Exception):
    """An earlier chunk failed: this one must not commit (it rolls back)."""


class _Writer:
    """Commits prepared chunks, in order, on threads of their own while the next chunk is being read.

    Each commit holds the chunk's annotations, its rejections and the job's resume point. The
    database's share of an import (foreign keys, indexes) then overlaps the reading and checking of
    the next chunk. On PostgreSQL two writers run at once, each in its own transaction: one streams
    its rows while the other's are being indexed and counted. They still finish in chunk order: a
    writer waits for its turn after its new rows are in and before it touches rows writers share
    (label counts, the job), so resuming after row N stays exact, and a writer never waits for a
    later chunk's locks. A failed chunk rolls back with every later one (earlier ones still commit),
    and its error is raised again in the reading thread.
    """

    def __init__(self, ctx: JobContext, job: ImportJob, access: ProjectAccess, writers: int) -> None:
        self.ctx, self.job, self.access = ctx, job, access
        self.counts: Counter[str] = Counter({k: v for k, v in job.counts.items() if isinstance(v, int)})
        self.dropped: Counter[str] = Counter(job.counts.get("dropped_attributes") or {})
        self.queue: queue.Queue[tuple[int, Chunk] | None] = queue.Queue(maxsize=1)
        self.error: BaseException | None = None
        self.failed: int | None = None  # the first chunk that failed: later ones roll back, earlier ones commit
        self.turn = threading.Condition()
        self.queued = self.committed = 0  # chunks handed out / finished, in order
        self.threads = [threading.Thread(target=self._run, name=f"gw-import-{job.id}-{i}", daemon=True)
                        for i in range(writers)]
        for thread in self.threads:
            thread.start()

    def _run(self) -> None:
        while (item := self.queue.get()) is not None:
            seq, chunk = item
            try:
                self._commit(seq, chunk)
            except _Aborted:
                pass
            except BaseException as exc:  # handed to the reading thread, which raises it
                with self.turn:
                    if self.failed is None or seq < self.failed:
                        self.error, self.failed = exc, seq
                    self.turn.notify_all()

    def _doomed(self, seq: int) -> bool:
        return self.failed is not None and self.failed < seq

    def _wait_turn(self, seq: int) -> None:
        with self.turn:
            while self.committed != seq and not self._doomed(seq):
                self.turn.wait()
            if self._doomed(seq):
                raise _Aborted

    def _commit(self, seq: int, chunk: Chunk) -> None:
        if self._doomed(seq):
            raise _Aborted
        waited = False

        def my_turn() -> None:
            nonlocal waited
            if not waited:
                self._wait_turn(seq)
                waited = True

        with transaction(self.ctx.factory) as session:
            written = chunk.write(session, self.access, before_shared=my_turn)
            my_turn()  # (a chunk with nothing to write did not wait yet)
            rejected = chunk.rejections()
            repository.add_rejections(session, self.job.id, rejected)
            self.counts.update(rows=len(chunk.rows), annotations=written, rejected=len(rejected))
            self.dropped.update(chunk.dropped)
            done = chunk.first + len(chunk.rows)
            self.ctx.heartbeat(session, ImportJob, self.job.id, rows_done=done, progress_done=done,
                               counts={**self.counts, "dropped_attributes": dict(self.dropped)})
        with self.turn:
            self.committed = seq + 1
            self.turn.notify_all()

    def put(self, chunk: Chunk) -> None:
        """Queue a chunk (waits while one is already waiting); raises the writers' error, if any."""
        self.check()
        self.queue.put((self.queued, chunk))
        self.queued += 1

    def check(self) -> None:
        """Raise the error that stopped the writing, if one did."""
        if self.error is not None:
            raise self.error

    def close(self) -> None:
        """Write what is queued and stop."""
        for _ in self.threads:
            self.queue.put(None)
        for thread in self.threads:
            thread.join()


def run_import(ctx: JobContext, job_id: int) -> None:
    """Import the upload of a claimed job from its resume point; records ``import.completed``."""
    with transaction(ctx.reading()) as session:
        job = session.get(ImportJob, job_id)
        assert job is not None
        access = _access(session, job)
        labels = _labels(session, job.schema_id)
        attributes = repository.schema_attribute_names(session, job.schema_id)
        # SQLite has one writer at a time; PostgreSQL takes a second, overlapping connection
        writers = 2 if session.get_bind().dialect.name == "postgresql" else 1
    path = upload_path(ctx.settings, job)
    if not path.is_file():
        raise ValidationFailed("the uploaded file is gone from the data directory; start a new import")
    reader: Reader = READERS[job.format](path, labels)
    total = reader.scan()
    ctx.beat(ImportJob, job_id, progress_total=total)
    index = FileIndex(ctx.reading(), job.project_id, by_stem=reader.match_by_stem)
    writer = _Writer(ctx, job, access, writers)
    try:
        first = job.rows_done
        for rows in _chunks(islice(reader.rows(), job.rows_done, None)):
            writer.put(prepare(reader, index, job, attributes, first, rows))
            first += len(rows)
    finally:
        writer.close()
    writer.check()
    with transaction(ctx.factory) as session:
        done = jobs_repo.owned(session, ImportJob, job_id, ctx.owner)
        if done is None:
            return
        done.status, done.finished_at, done.lease_owner, done.lease_until = JobStatus.succeeded, utcnow(), None, None
        record_outcome(session, done)
    shutil.rmtree(path.parent, ignore_errors=True)
    log.info("import %s done: %s", job_id, dict(writer.counts))


def _on_failed(session: Session, job: ImportJob, message: str) -> None:
    record_outcome(session, job)


IMPORTS = JobKind(name="import", model=ImportJob, run=run_import, on_failed=_on_failed)
