"""The laptop default: an ML workflow on the embedded broker (no RabbitMQ), one executor serving cpu and gpu.

Texts uploaded → ``zero_shot_text`` pre-labels them → ``drift_check`` compares them with the files
already there; both ML blocks run on the ``gpu`` queue, which the all-in-one executor serves.
"""

from __future__ import annotations

import pytest
from mldata import topic_texts
from mlhelpers import TOPICS_SCHEMA

from tests.workflow_service.wfplatform import Platform, wait_until

FLOW = """\
name: pre-label and watch for drift
on:
  - manual: true
blocks:
  zero_shot: {use: zero_shot_text, with: {min_score: 0.5}}
  drift:     {use: drift_check, with: {reference_query: "meta.batch = 'old'", permutations: 100}}
workflow:
  zs: [zero_shot, in]
  out: [drift, in]
"""


@pytest.mark.parametrize("platform", ["embedded"], indirect=True)
def test_ml_blocks_run_on_the_embedded_broker(platform: Platform) -> None:
    import json

    api = platform.api
    pid = api.post("/api/v1/projects", json={"name": "laptop"}).json()["id"]
    assert api.post(f"/api/v1/projects/{pid}/schemas", json=TOPICS_SCHEMA).status_code == 201
    pairs = topic_texts(6, seed=12)
    ids = []
    for batch, chunk in (("old", pairs[:9]), ("new", pairs[9:])):
        files = [("files", (f"{batch}-{i}.txt", t.encode(), "text/plain")) for i, (t, _) in enumerate(chunk)]
        r = api.post(f"/api/v1/projects/{pid}/files", files=files, data={"metadata": json.dumps({"batch": batch})})
        ids += [item["file"]["id"] for item in r.json()["items"]] if batch == "new" else []
    wid = api.post(f"/api/v1/projects/{pid}/workflows", json={"source": FLOW}).json()["id"]
    run = api.post(f"/api/v1/projects/{pid}/workflows/{wid}/runs", json={"file_ids": ids})
    assert run.status_code == 202, run.text
    done = wait_until(lambda: (d := platform.run_of(pid, run.json()["id"]))["status"] in ("succeeded", "failed") and d,
                      240, "the run")
    assert done["status"] == "succeeded", [(s["key"], s["error"]) for s in done["steps"]]
    steps = {s["key"]: s for s in done["steps"]}
    assert steps["zs"]["queue"] == "gpu" and steps["out"]["queue"] == "gpu"
    ports = steps["zs"]["output"]["ports"]
    assert sorted(ports["labelled"] + ports["unsure"]) == sorted(ids)
    report = steps["out"]["output"]["ports"]["report"]
    assert report["n_current"] == 9 and report["n_reference"] == 9 and report["drift"] is False
    for file_id in ids:
        tags = api.get(f"/api/v1/projects/{pid}/files/{file_id}/annotations").json()["items"]
        assert [t["model_name"] for t in tags] == ["all-MiniLM-L6-v2"]
