"""Malformed uploads: row-level rejections with reasons; what a failing import leaves behind; resuming."""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, func, select, update

from backend.annotations import service as annotations_service
from backend.annotations.models import Annotation
from backend.imports import job as import_job
from backend.imports.models import ImportJob, ImportRejection
from tests.files.filehelpers import events
from tests.formats.formathelpers import Project, dumps, run_jobs

IMAGES = [{"id": 1, "file_name": "a.png"}, {"id": 2, "file_name": "b.png"}, {"id": 3}]
CATS = [{"id": 1, "name": "car"}, {"id": 2, "name": "truck"}, {"id": 3}]


def _ann(i: int, image: int = 1, cat: int = 1, bbox: Any = None, **extra: Any) -> dict[str, Any]:
    return {"id": i, "image_id": image, "category_id": cat, "bbox": bbox or [1, 1, 5, 5], **extra}


def _live(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(Annotation)) or 0)


def test_row_level_errors_are_reported_and_the_rest_is_imported(proj: Project, engine: Engine) -> None:
    proj.images([("a.png", 40, 30), ("b.png", 40, 30)])
    doc = {"images": IMAGES, "categories": CATS, "annotations": [
        _ann(1), _ann(2, cat=2), _ann(3, bbox=[30, 20, 20, 20]), _ann(4, bbox=[1, 1, 0, 5]), _ann(5, image=9),
        _ann(6, image=3), _ann(7, cat=3), _ann(8, cat=4), "nonsense", _ann(10, bbox=[1, 2]),
        _ann(11, iscrowd=1, segmentation={"counts": "abc", "size": [30, 40]}),
        _ann(12, attributes={"occluded": "maybe"}), _ann(13, attributes={"colour": "red", "occluded": True}),
        _ann(14, image=2)]}
    job = proj.run_import(dumps(doc), "bad.json", "coco", "vision")
    assert job["status"] == "succeeded", job
    assert job["counts"]["annotations"] == 3 and job["counts"]["rejected"] == 11 and job["counts"]["rows"] == 14
    assert job["counts"]["dropped_attributes"] == {"colour": 1}
    assert _live(engine) == 3
    reasons = {r["row"]: r["reason"] for r in proj.rejections(job["id"])}
    assert reasons == {
        "annotations[1] (id 2)": "category 'truck' is not a label of the schema",
        "annotations[2] (id 3)": "geometry.w: (50, 40) lies outside the 40x30 image",
        "annotations[3] (id 4)": "geometry.w: Input should be greater than 0",
        "annotations[4] (id 5)": "image_id 9 is not in images",
        "annotations[5] (id 6)": "image 3 has no file_name",
        "annotations[6] (id 7)": "category 3 has no name",
        "annotations[7] (id 8)": "category_id 4 is not in categories",
        "annotations[8]": "not a JSON object",
        "annotations[9] (id 10)": "bbox must be [x, y, width, height]",
        "annotations[10] (id 11)": "crowd regions (RLE segmentation) are not supported",
        "annotations[11] (id 12)": "attributes.occluded: expected true or false",
    }
    assert [r["row"] for r in job["rejections_sample"]][:2] == ["annotations[1] (id 2)", "annotations[2] (id 3)"]
    (done,) = events(engine, "import.completed")
    assert done == {"import_id": job["id"], "format": "coco", "rows": 14, "annotations": 3, "rejected": 11}
    assert len(events(engine, "annotations.bulk_written")) == 1


@pytest.mark.parametrize(("text", "where"), [
    ('{"images": [], "categories": [], "annotations": [{"id": 1,}]}', "line 1, column 59"),
    ('{"images": [],\n "annotations": [\n  {"id": 1}\n  {"id": 2}]}', "line 4, column 3"),
    ('[{"id": 1}]', "line 1, column 1"),
])
def test_a_file_that_cannot_be_read_imports_nothing(proj: Project, engine: Engine, text: str, where: str) -> None:
    proj.images([("a.png", 40, 30)])
    job = proj.run_import(text.encode(), "broken.json", "coco", "vision")
    assert job["status"] == "failed" and where in job["error"], job
    assert job["progress"]["done"] == 0 and job["resumable"] is True
    assert _live(engine) == 0
    assert events(engine, "import.failed")[0]["error"] == job["error"]


def test_missing_arrays_and_wrong_archives_fail_clearly(proj: Project) -> None:
    job = proj.run_import(b'{"images": []}', "x.json", "coco", "vision")
    assert job["status"] == "failed" and job["error"] == "not a COCO file: no annotations, categories array"
    res = proj.client.post(f"{proj.base}/imports", files=[("file", ("x.zip", b"not a zip"))],
                           data={"format": "yolo", "schema_id": str(proj.schemas["vision"])})
    assert res.status_code == 422 and res.json()["error"]["message"].startswith("not a zip archive")  # at once


def test_jsonl_bad_lines_are_rows(proj: Project) -> None:
    proj.images([("a.png", 40, 30)])
    lines = [{"file": {"name": "a.png"}, "annotations": [{"type": "box", "label": "car",
                                                          "geometry": {"x": 1, "y": 1, "w": 2, "h": 2}},
                                                         {"type": "circle", "label": "car"}]},
             "{not json", {"file": {}}, {"file": {"name": "nope.png"}, "annotations": [{"type": "tag",
                                                                                      "label": "indoor"}]}]
    text = "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines)
    job = proj.run_import(text.encode(), "x.jsonl", "jsonl", "vision")
    assert job["status"] == "succeeded" and job["counts"]["annotations"] == 1
    reasons = {r["row"]: r["reason"] for r in proj.rejections(job["id"])}
    assert reasons["line 1 annotations[1]"].startswith("Input tag 'circle' found using 'type' does not match")
    assert reasons["line 2"] == "not valid JSON (Expecting property name enclosed in double quotes at column 2)"
    assert reasons["line 3"] == "file.name must be a non-empty string"
    assert reasons["line 4 annotations[0]"] == "no file named 'nope.png' in the project"


def _many(n: int) -> bytes:
    bad = {3, 8}  # rows with a category the schema lacks: rejected, and reported once each
    return dumps({"images": IMAGES, "categories": CATS,
                  "annotations": [_ann(i, cat=2 if i in bad else 1, bbox=[i % 30, 1, 5, 5]) for i in range(n)]})


def _chunks_of_four(proj: Project, monkeypatch: pytest.MonkeyPatch, before_write: Callable[[int], None]) -> None:
    """Two images, imports in chunks of 4 rows, and ``before_write(n)`` before the n-th chunk's bulk write
    (it may raise, as a crash or a lost database, or sleep); chunks may be written on two threads."""
    proj.images([("a.png", 40, 30), ("b.png", 40, 30)])
    monkeypatch.setattr(import_job, "CHUNK_ROWS", 4)
    real = annotations_service.bulk_write
    calls = itertools.count(1)
    lock = threading.Lock()

    def bulk_write(*args: Any, **kwargs: Any) -> Any:
        with lock:
            n = next(calls)
        before_write(n)
        return real(*args, **kwargs)

    monkeypatch.setattr(annotations_service, "bulk_write", bulk_write)


def test_a_crash_mid_import_resumes_after_the_last_committed_chunk(
        proj: Project, app: FastAPI, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    def crash_on_the_third_chunk(n: int) -> None:
        if n == 3:
            raise KeyboardInterrupt  # the process dies: no handler runs, the job stays "running"

    _chunks_of_four(proj, monkeypatch, crash_on_the_third_chunk)
    started = proj.start_import(_many(10), "many.json", "coco", "vision")
    with pytest.raises(KeyboardInterrupt):
        run_jobs(app)
    with engine.begin() as conn:
        job = conn.execute(select(ImportJob)).one()
        conn.execute(update(ImportJob).values(lease_until=job.started_at))  # its lease runs out
    assert (job.status, job.rows_done) == ("running", 8)
    assert _live(engine) == 7  # rows 0-7 minus the rejected row 3
    assert run_jobs(app) == 1
    final = proj.client.get(f"{proj.base}/imports/{started['id']}").json()
    assert final["status"] == "succeeded" and final["attempts"] == 2
    assert final["counts"] == {"rows": 10, "annotations": 8, "rejected": 2, "dropped_attributes": {}}
    assert _live(engine) == 8
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(ImportRejection)) == 2


def test_a_failed_import_keeps_its_chunks_and_resumes_on_request(
        proj: Project, app: FastAPI, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = {"on": True}

    def database_goes_away(n: int) -> None:
        if broken["on"] and n == 2:
            raise ConnectionError("server closed the connection unexpectedly")

    _chunks_of_four(proj, monkeypatch, database_goes_away)
    job = proj.run_import(_many(10), "many.json", "coco", "vision")
    assert job["status"] == "failed" and job["resumable"] is True
    assert "server closed the connection unexpectedly" in job["error"]
    assert job["progress"]["done"] == 4 and _live(engine) == 3  # chunk 1 (row 3 rejected) stays; chunk 2 rolled back
    resumed = proj.client.post(f"{proj.base}/imports/{job['id']}/resume")
    assert resumed.status_code == 202 and resumed.json()["status"] == "pending"
    broken["on"] = False
    run_jobs(app)
    final = proj.client.get(f"{proj.base}/imports/{job['id']}").json()
    assert final["status"] == "succeeded" and final["counts"]["annotations"] == 8 and _live(engine) == 8
    again = proj.client.post(f"{proj.base}/imports/{job['id']}/resume")
    assert again.status_code == 409
    assert proj.client.delete(f"{proj.base}/imports/{job['id']}").status_code == 204
    assert _live(engine) == 8  # forgetting an import keeps what it wrote


def test_a_chunk_failing_while_an_earlier_one_is_still_writing_keeps_exactly_the_earlier_ones(
        proj: Project, app: FastAPI, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    # On PostgreSQL two writers commit chunks in order: chunk 3 fails while chunk 2 is still being written.
    def slow_second_failing_third(n: int) -> None:
        if n == 2:
            time.sleep(0.5)  # chunk 2 is slow: chunk 3 (on the other writer) fails meanwhile
        if n == 3:
            raise ConnectionError("lost the database on chunk 3")

    _chunks_of_four(proj, monkeypatch, slow_second_failing_third)
    job = proj.run_import(_many(16), "many.json", "coco", "vision")
    assert job["status"] == "failed" and "chunk 3" in job["error"]
    assert job["progress"]["done"] == 8  # chunks 1 and 2, nothing after
    assert _live(engine) == 7  # rows 0-7 minus the rejected row 3
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(ImportRejection)) == 1  # row 3 only
