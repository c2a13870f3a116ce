"""The documented example end to end: file.created (texts) → route on metadata → review tasks → export JSONL.

Runs on RabbitMQ with a real Celery worker, and again on the embedded broker (the laptop default).
"""

from __future__ import annotations

import json
from typing import Any

import httpx
from wfplatform import Platform, wait_until

from tests.factories import OBJECTS_SCHEMA

EXAMPLE = """\
name: review english texts
on:
  - event: file.created
    filter: "file.type = 'text'"
  - manual: true
blocks:
  by_lang: {use: route, with: {query: "meta.lang = 'en'"}}
  review:  {use: human_task, with: {kind: review}}
  dump:    {use: export, with: {format: jsonl}}
workflow:
  routed: [by_lang, in]
  english: routed.matched
  reviewed:
    do: [review, english]
    when: "routed.matched != []"
  out: [dump, reviewed.files]
"""


def upload_texts(api: httpx.Client, project_id: int, names: list[str], meta: dict[str, Any]) -> list[int]:
    files = [("files", (name, f"text of {name}".encode(), "text/plain")) for name in names]
    r = api.post(f"/api/v1/projects/{project_id}/files", files=files, data={"metadata": json.dumps(meta)})
    assert r.status_code == 201, r.text
    return [item["file"]["id"] for item in r.json()["items"]]


def approve(api: httpx.Client, project_id: int, task_id: int) -> None:
    task = api.get(f"/api/v1/projects/{project_id}/tasks/{task_id}").json()
    for action in ("start", "approve"):
        r = api.post(f"/api/v1/projects/{project_id}/tasks/{task_id}/actions",
                     json={"action": action, "version": task["version"]})
        assert r.status_code == 200, r.text
        task = r.json()


def test_example_workflow_runs_end_to_end(platform: Platform) -> None:
    api = platform.api
    project = api.post("/api/v1/projects", json={"name": "texts"}).json()
    pid = project["id"]
    assert api.post(f"/api/v1/projects/{pid}/schemas", json=OBJECTS_SCHEMA).status_code == 201
    r = api.post(f"/api/v1/projects/{pid}/workflows", json={"source": EXAMPLE})
    assert r.status_code == 201, r.text
    wid = r.json()["id"]

    english = upload_texts(api, pid, ["a.txt", "b.txt"], {"lang": "en"})
    german = upload_texts(api, pid, ["c.txt"], {"lang": "de"})
    image = api.post(f"/api/v1/projects/{pid}/files", files=[("files", ("x.png", _png(), "image/png"))])
    assert image.status_code == 201

    # one run per text file (the image does not pass the trigger's filter)
    runs = wait_until(lambda: len(platform.runs(pid, wid)) == 3 and platform.runs(pid, wid), 60, "three runs")
    # the German text's run skips review and export, and succeeds
    wait_until(lambda: sum(r["status"] == "succeeded" for r in platform.runs(pid, wid)) >= 1, 60, "a run to finish")

    # each English text gets one review task, and its run waits for it
    def review_tasks() -> list[dict[str, Any]]:
        page = api.get(f"/api/v1/projects/{pid}/tasks", params={"kind": "review", "limit": 100}).json()
        return page["items"]  # type: ignore[no-any-return]

    tasks = wait_until(lambda: len(review_tasks()) == 2 and review_tasks(), 60, "two review tasks")
    assert sorted(t["file_id"] for t in tasks) == sorted(english)
    waiting = [r for r in platform.runs(pid, wid) if r["status"] == "running"]
    assert len(waiting) == 2
    for task in tasks:
        approve(api, pid, task["id"])

    final = wait_until(lambda: all(r["status"] == "succeeded" for r in platform.runs(pid, wid))
                       and platform.runs(pid, wid), 90, "every run to succeed")
    assert len(final) == 3 and {r["id"] for r in final} == {r["id"] for r in runs}
    details = [platform.run_of(pid, r["id"]) for r in final]
    by_file = {}
    for d in details:
        steps = {s["key"]: s for s in d["steps"]}
        ports = steps["routed"]["output"]["ports"]
        by_file[tuple(ports["matched"] or ports["unmatched"])] = steps
    (german_id,) = german
    assert by_file[(german_id,)]["reviewed"]["status"] == "skipped"
    assert by_file[(german_id,)]["out"]["status"] == "skipped"
    for file_id in english:
        steps = by_file[(file_id,)]
        assert steps["reviewed"]["status"] == "succeeded"
        report = steps["out"]["output"]["ports"]["report"]
        assert report["status"] == "succeeded"
        exported = api.get(report["download_url"])
        assert exported.status_code == 200
        (line,) = exported.text.splitlines()
        assert json.loads(line)["file"]["id"] == file_id

    # no duplicates anywhere: still two review tasks, and no extra runs
    assert len(review_tasks()) == 2
    assert len(platform.runs(pid, wid)) == 3


def _png() -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buf, format="PNG")
    return buf.getvalue()
