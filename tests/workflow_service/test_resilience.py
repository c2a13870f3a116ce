"""What must not break: a worker killed mid-step, a poison input, an event delivered twice."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import kombu
from groundwork.events import EventMessage, connection_for
from wfplatform import RABBIT_URL, Platform, wait_until

from tests.factories import OBJECTS_SCHEMA

CRASHY = """\
name: crashy
on: [{event: file.created}]
defaults: {retries: 2}
blocks:
  work: {use: python, with: {function: "tests.workflow_service.blockfuncs:tasks_then_pause", pass_context: true}}
workflow:
  out: [work, in]
"""

POISON = """\
name: poison
on: [{event: file.created}]
defaults: {retries: 1}
blocks:
  eat: {use: python, with: {function: "tests.workflow_service.blockfuncs:fail_on_poison", pass_context: true}}
workflow:
  out: [eat, in]
"""


def setup_project(platform: Platform, source: str) -> tuple[int, int]:
    api = platform.api
    pid = api.post("/api/v1/projects", json={"name": "resilience"}).json()["id"]
    assert api.post(f"/api/v1/projects/{pid}/schemas", json=OBJECTS_SCHEMA).status_code == 201
    r = api.post(f"/api/v1/projects/{pid}/workflows", json={"source": source})
    assert r.status_code == 201, r.text
    return pid, r.json()["id"]


def upload(platform: Platform, pid: int, name: str) -> int:
    r = platform.api.post(f"/api/v1/projects/{pid}/files", files=[("files", (name, name.encode(), "text/plain"))])
    assert r.status_code == 201, r.text
    return int(r.json()["items"][0]["file"]["id"])


def only_step(platform: Platform, pid: int, run_id: int) -> dict[str, Any]:
    (step,) = [s for s in platform.run_of(pid, run_id)["steps"] if s["key"] == "out"]
    return step


def test_a_worker_killed_mid_step_is_replaced_and_nothing_is_duplicated(platform: Platform) -> None:
    pid, wid = setup_project(platform, CRASHY)
    file_id = upload(platform, pid, "victim.txt")
    (run,) = wait_until(lambda: platform.runs(pid, wid), 60, "the run")
    tasks_url = f"/api/v1/projects/{pid}/tasks"
    wait_until(lambda: platform.api.get(tasks_url).json()["items"], 60, "the step's side effect (a task)")
    assert only_step(platform, pid, run["id"])["status"] == "running"

    platform.kill("executor")  # the whole worker, children included, mid-step
    platform.start_worker("executor", "executor2")
    done = wait_until(lambda: platform.run_of(pid, run["id"])["status"] == "succeeded"
                      and platform.run_of(pid, run["id"]), 120, "the run to finish on the second worker")
    step = only_step(platform, pid, done["id"])
    assert step["attempts"] == 2
    tasks = platform.api.get(tasks_url).json()["items"]
    assert [t["file_id"] for t in tasks] == [file_id]  # the retry found its task: no duplicate
    assert step["output"]["ports"]["out"] == [tasks[0]["id"]]
    assert len(platform.runs(pid, wid)) == 1


def test_a_poison_input_fails_its_step_after_the_retries_and_other_runs_go_on(platform: Platform) -> None:
    pid, wid = setup_project(platform, POISON)
    upload(platform, pid, "poison.txt")
    good = [upload(platform, pid, f"good-{i}.txt") for i in range(3)]
    runs = wait_until(lambda: (rs := platform.runs(pid, wid)) and len(rs) == 4
                      and all(r["status"] in ("succeeded", "failed") for r in rs) and rs, 120, "four finished runs")
    failed = [r for r in runs if r["status"] == "failed"]
    assert len(failed) == 1
    assert "cannot digest poison.txt" in failed[0]["error"]
    step = only_step(platform, pid, failed[0]["id"])
    assert step["status"] == "failed" and step["attempts"] == 2  # one try and one retry
    assert "cannot digest poison.txt" in step["error"]
    outs = [only_step(platform, pid, r["id"])["output"]["ports"]["out"] for r in runs if r["status"] == "succeeded"]
    assert sorted(v for out in outs for v in out) == sorted(good)


def test_the_same_event_delivered_twice_starts_one_run(platform: Platform) -> None:
    pid, wid = setup_project(platform, POISON)
    upload(platform, pid, "once.txt")
    (run,) = wait_until(lambda: platform.runs(pid, wid), 60, "the run")
    wait_until(lambda: platform.run_of(pid, run["id"])["status"] == "succeeded", 60, "the run to finish")
    events = platform.api.get(f"/api/v1/projects/{pid}/events", params={"types": "file.created"}).json()["items"]
    (event,) = [e for e in events if e["type"] == "file.created"]
    message = EventMessage.model_validate(event)
    exchange = kombu.Exchange(platform.env["GROUNDWORK_EVENTS_EXCHANGE"], type="topic", durable=True)
    url = RABBIT_URL if platform.kind == "rabbitmq" else None
    with connection_for(url, Path(platform.env["GROUNDWORK_DATA_DIR"])) as conn:
        producer = kombu.Producer(conn.default_channel)
        for _ in range(2):  # a broker redelivery, or a relay that published twice
            producer.publish(message.to_json(), exchange=exchange, routing_key=message.type, declare=[exchange],
                             content_type="application/json", delivery_mode=2)
    upload(platform, pid, "after.txt")  # events are handled in order: once its run exists, so would theirs
    wait_until(lambda: len(platform.runs(pid, wid)) >= 2, 60, "the later file's run")
    runs = platform.runs(pid, wid)
    assert len(runs) == 2
    assert min(int(r["event_id"]) for r in runs) == message.id
