"""The job loop: several runners never take the same job; a dead runner's job is taken over, then given up."""

from __future__ import annotations

import threading
from datetime import timedelta

from fastapi import FastAPI
from sqlalchemy import Engine, select, update

from backend.core.db import make_session_factory
from backend.core.types import utcnow
from backend.exports.job import EXPORTS
from backend.exports.models import ExportJob
from backend.imports.job import IMPORTS
from backend.jobs import runner as jobs
from tests.files.filehelpers import events
from tests.formats.formathelpers import Project, box


def _runner(app: FastAPI) -> jobs.JobRunner:
    engine = app.state.engine
    return jobs.JobRunner(app.state.settings, make_session_factory(engine), app.state.storage, [EXPORTS, IMPORTS],
                          make_session_factory(engine, readonly=True))


def _jobs(engine: Engine) -> list[ExportJob]:
    with make_session_factory(engine)() as s:
        return list(s.scalars(select(ExportJob).order_by(ExportJob.id)))


def test_concurrent_runners_claim_different_jobs(proj: Project, app: FastAPI, engine: Engine) -> None:
    ids = [proj.client.post(f"{proj.base}/exports", json={"format": "jsonl"}).json()["id"] for _ in range(6)]
    runners = [_runner(app) for _ in range(3)]
    claimed: list[tuple[str, int]] = []
    lock = threading.Lock()
    start = threading.Barrier(len(runners))

    def claim_all(r: jobs.JobRunner) -> None:
        ctx = r.context()
        start.wait()
        while (job_id := jobs.claim(ctx, EXPORTS)) is not None:
            with lock:
                claimed.append((r.owner, job_id))

    threads = [threading.Thread(target=claim_all, args=(r,)) for r in runners]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(job_id for _, job_id in claimed) == ids  # each job claimed exactly once
    owners = {j.id: j.lease_owner for j in _jobs(engine)}
    assert all(owners[job_id] == owner for owner, job_id in claimed)


def test_a_dead_runners_export_is_taken_over_then_given_up(proj: Project, app: FastAPI, engine: Engine) -> None:
    proj.images([("a.png", 40, 30)])
    proj.annotate("vision", {"a.png": [box(1, 1, 2, 2)]})
    job_id = proj.client.post(f"{proj.base}/exports", json={"format": "coco", "schema_id": proj.schemas["vision"]}
                              ).json()["id"]
    dead = _runner(app)
    assert jobs.claim(dead.context(), EXPORTS) == job_id  # ... and its process dies here
    assert _runner(app).run_once() is False  # the lease still runs: nobody else takes it
    with engine.begin() as conn:
        conn.execute(update(ExportJob).values(lease_until=utcnow() - timedelta(seconds=1)))
    assert _runner(app).run_once() is True
    (job,) = _jobs(engine)
    assert (job.status, job.attempts, job.lease_owner) == ("succeeded", 2, None)
    assert proj.client.get(f"{proj.base}/exports/{job_id}/download").status_code == 200

    again = proj.client.post(f"{proj.base}/exports", json={"format": "jsonl"}).json()["id"]
    for _ in range(jobs.MAX_ATTEMPTS):
        assert jobs.claim(dead.context(), EXPORTS) == again
        with engine.begin() as conn:
            conn.execute(update(ExportJob).where(ExportJob.id == again)
                         .values(lease_until=utcnow() - timedelta(seconds=1)))
    assert _runner(app).run_once() is False
    failed = proj.client.get(f"{proj.base}/exports/{again}").json()
    assert failed["status"] == "failed" and failed["error"].startswith("stopped 3 times without finishing")
    assert [e["export_id"] for e in events(engine, "export.failed")] == [again]


def test_a_stopping_server_hands_its_job_back(proj: Project, app: FastAPI, engine: Engine) -> None:
    proj.images([("a.png", 40, 30)])
    job_id = proj.client.post(f"{proj.base}/exports", json={"format": "jsonl"}).json()["id"]
    stop = threading.Event()
    stop.set()  # shutdown began: the first heartbeat gives the job back
    assert _runner(app).run_once(stop) is True
    job = proj.client.get(f"{proj.base}/exports/{job_id}").json()
    assert (job["status"], job["attempts"]) == ("pending", 0)
    assert _runner(app).run_once() is True
    assert proj.client.get(f"{proj.base}/exports/{job_id}").json()["status"] == "succeeded"


def test_an_export_whose_content_is_missing_fails_and_leaves_nothing(proj: Project, app: FastAPI,
                                                                     engine: Engine) -> None:
    proj.texts({"gone.txt": "some text"})
    storage = app.state.storage
    key = proj.client.get(f"{proj.base}/files/{proj.files['gone.txt']}").json()["content_hash"]
    storage.delete(f"p{proj.id}/{key[:2]}/{key}")
    job_id = proj.client.post(f"{proj.base}/exports", json={"format": "csv", "schema_id": proj.schemas["texts"]}
                              ).json()["id"]
    _runner(app).run_once()
    job = proj.client.get(f"{proj.base}/exports/{job_id}").json()
    assert job["status"] == "failed" and "content of file" in job["error"] and "missing" in job["error"]
    assert events(engine, "export.failed")[-1]["error"] == job["error"]
    folder = app.state.settings.data_dir / "exports" / f"p{proj.id}" / str(job_id)
    assert not folder.exists()
