"""A step that overruns its timeout fails with the reason; a cancelled run stays cancelled."""

from __future__ import annotations

from wfplatform import Platform, wait_until

from tests.factories import OBJECTS_SCHEMA

SLOW = """\
name: slow
on: [{manual: true}]
blocks:
  nap: {use: python, with: {function: "tests.workflow_service.blockfuncs:sleep_for", kwargs: {seconds: 30}},
        timeout: 1, retries: 0}
workflow:
  out: [nap, in]
"""

REVIEW = """\
name: review on demand
on: [{manual: true}]
blocks:
  review: {use: human_task, with: {kind: annotate}}
workflow:
  out: [review, in]
"""


def test_a_timeout_fails_the_step_and_a_cancel_sticks(platform: Platform) -> None:
    api = platform.api
    pid = api.post("/api/v1/projects", json={"name": "timeouts"}).json()["id"]
    assert api.post(f"/api/v1/projects/{pid}/schemas", json=OBJECTS_SCHEMA).status_code == 201
    slow = api.post(f"/api/v1/projects/{pid}/workflows", json={"source": SLOW}).json()["id"]
    review = api.post(f"/api/v1/projects/{pid}/workflows", json={"source": REVIEW}).json()["id"]
    file_id = api.post(f"/api/v1/projects/{pid}/files", files=[("files", ("t.txt", b"some text", "text/plain"))]
                       ).json()["items"][0]["file"]["id"]

    run = api.post(f"/api/v1/projects/{pid}/workflows/{slow}/runs", json={"input": {"n": 1}}).json()
    failed = wait_until(lambda: (r := platform.run_of(pid, run["id"]))["status"] == "failed" and r, 60,
                        "the slow run to fail")
    (step,) = failed["steps"]
    assert step["status"] == "failed" and "TimeLimitExceeded" in step["error"]

    run = api.post(f"/api/v1/projects/{pid}/workflows/{review}/runs", json={"file_ids": [file_id]}).json()
    wait_until(lambda: platform.run_of(pid, run["id"])["steps"] and
               platform.run_of(pid, run["id"])["steps"][0]["status"] == "waiting", 60, "the task step to wait")
    assert api.post(f"/api/v1/projects/{pid}/workflow-runs/{run['id']}/cancel").status_code == 200
    (task,) = api.get(f"/api/v1/projects/{pid}/tasks").json()["items"]
    for action in ("start", "submit"):  # the person finishes the task after the cancel
        task = api.post(f"/api/v1/projects/{pid}/tasks/{task['id']}/actions",
                        json={"action": action, "version": task["version"]}).json()
    assert task["status"] == "submitted"
    later = platform.run_of(pid, run["id"])
    assert later["status"] == "cancelled" and later["steps"][0]["status"] == "cancelled"
