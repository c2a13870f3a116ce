"""The closed loop with real parts (RabbitMQ, a Celery worker, MLflow's local store, the packaged MiniLM).

Texts are uploaded → ``zero_shot_text`` writes versioned model tags → the unsure ones become review
tasks → people correct and approve them through the API → after N approvals ``train`` registers a model
in MLflow → ``predict`` pre-labels every file nobody labelled → on a held-out labelled set, the trained
model is clearly more accurate than zero-shot (reviews vs questions: hard to guess from label names,
easy to learn from examples).
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from mldata import review_texts

from tests.workflow_service.wfplatform import Platform, wait_until

pytest.importorskip("mlflow")
APPROVALS = 30
LOOP = f"""\
name: pre-label, review, learn
on:
  - event: file.created
    filter: "file.type = 'text'"
defaults: {{batch_size: 16, max_batch_delay: 1}}
blocks:
  zero_shot: {{use: zero_shot_text, with: {{min_score: 0.7}}}}
  review:    {{use: human_task, with: {{kind: review, until: approved}}}}
  learn:     {{use: train, with: {{query: "labels.*.human > 0", epochs: 60}}}}
  prelabel:  {{use: predict, with: {{query: "labels.*.human = 0"}}}}
workflow:
  zs: [zero_shot, in]
  reviewed:
    do: [review, zs.unsure]
    when: "zs.unsure != []"
  approved:
    do: reviewed.tasks
    wait: {{tasks_completed: {APPROVALS}}}
  model: [learn, approved]
  out: [prelabel, model]
"""
SCHEMA = {"name": "feedback", "labels": [{"name": n, "color": c, "annotation_types": ["tag"]} for n, c in
                                         (("positive", "#2ca02c"), ("negative", "#d62728"), ("question", "#1f77b4"))]}


def upload(api: httpx.Client, pid: int, pairs: list[tuple[str, str]], split: str) -> dict[int, str]:
    files = [("files", (f"{split}-{i:03d}.txt", text.encode(), "text/plain")) for i, (text, _) in enumerate(pairs)]
    r = api.post(f"/api/v1/projects/{pid}/files", files=files, data={"metadata": json.dumps({"split": split})})
    assert r.status_code == 201, r.text
    return {item["file"]["id"]: label for item, (_, label) in zip(r.json()["items"], pairs, strict=True)}


def tags(api: httpx.Client, pid: int, file_id: int) -> list[dict[str, Any]]:
    return [a for a in api.get(f"/api/v1/projects/{pid}/files/{file_id}/annotations").json()["items"]
            if a["type"] == "tag"]


def correct_and_approve(api: httpx.Client, pid: int, task: dict[str, Any], label_id: int) -> None:
    """What a reviewer does in the UI: fix the pre-label (it becomes human work), then approve."""
    (pre,) = [a for a in tags(api, pid, task["file_id"]) if a["source"] == "model"]
    r = api.patch(f"/api/v1/projects/{pid}/annotations/{pre['id']}",
                  json={"version": pre["version"], "label_id": label_id, "source": "human"})
    assert r.status_code == 200, r.text
    for action in ("start", "approve"):
        r = api.post(f"/api/v1/projects/{pid}/tasks/{task['id']}/actions",
                     json={"action": action, "version": task["version"]})
        assert r.status_code == 200, r.text
        task = r.json()


def accuracy(api: httpx.Client, pid: int, truth: dict[int, str], names: dict[int, str], model: str) -> float:
    right = 0
    for file_id, label in truth.items():
        (tag,) = [a for a in tags(api, pid, file_id) if a["model_name"] == model]
        right += names[tag["label_id"]] == label
    return right / len(truth)


def test_pre_label_review_train_predict_beats_zero_shot(platform: Platform) -> None:
    api = platform.api
    pid = api.post("/api/v1/projects", json={"name": "feedback"}).json()["id"]
    schema = api.post(f"/api/v1/projects/{pid}/schemas", json=SCHEMA).json()
    ids = {lb["name"]: lb["id"] for lb in schema["labels"]}
    names = {v: k for k, v in ids.items()}
    r = api.post(f"/api/v1/projects/{pid}/workflows", json={"source": LOOP})
    assert r.status_code == 201, r.text
    wid = r.json()["id"]
    texts = review_texts(28, seed=10)  # all different; per class 16 for the pool and 12 held out
    seen: dict[str, int] = {}
    split = ["pool" if (seen := {**seen, label: seen.get(label, 0) + 1})[label] <= 16 else "holdout"
             for _, label in texts]
    pool = upload(api, pid, [p for p, s in zip(texts, split, strict=True) if s == "pool"], "pool")
    holdout = upload(api, pid, [p for p, s in zip(texts, split, strict=True) if s == "holdout"], "holdout")
    every = {**pool, **holdout}
    assert len(every) == 84

    # zero-shot pre-labels every text, as versioned model annotations
    def prelabelled() -> bool:
        runs = platform.runs(pid, wid)
        failed = [r for r in runs if r["status"] == "failed"]
        assert not failed, [(s["key"], s["error"]) for s in platform.run_of(pid, failed[0]["id"])["steps"]]
        return len(runs) == len(every) and all(
            any(s["key"] == "zs" and s["status"] == "succeeded" for s in platform.run_of(pid, r["id"])["steps"])
            for r in runs)

    wait_until(prelabelled, 300, "zero-shot pre-labels for every text")
    for file_id in every:
        (tag,) = tags(api, pid, file_id)
        assert (tag["source"], tag["model_name"]) == ("model", "all-MiniLM-L6-v2")
        assert tag["model_version"].startswith("embedding-") and 0 < tag["score"] <= 1

    # the unsure ones (score < 0.7) became review tasks, and only they
    expected = {f for f in every if tags(api, pid, f)[0]["score"] < 0.7}
    assert APPROVALS < len(expected) < len(every)

    def review_tasks() -> list[dict[str, Any]]:
        page = api.get(f"/api/v1/projects/{pid}/tasks", params={"kind": "review", "limit": 500}).json()
        return list(page["items"])

    tasks = wait_until(lambda: len(review_tasks()) >= len(expected) and review_tasks(), 120, "the review tasks")
    assert {t["file_id"] for t in tasks} == expected and len(tasks) == len(expected)

    # reviewers correct and approve pool files until N are approved: that starts training
    queue = sorted((t for t in tasks if t["file_id"] in pool), key=lambda t: t["file_id"])[:APPROVALS]
    for task in queue:
        correct_and_approve(api, pid, task, ids[pool[task["file_id"]]])

    def trained_run() -> dict[str, Any] | None:
        for run in platform.runs(pid, wid):
            if run["status"] in ("succeeded", "failed"):
                detail = platform.run_of(pid, run["id"])
                if any(s["key"] == "model" and s["status"] in ("succeeded", "failed") for s in detail["steps"]):
                    return detail
        return None

    detail = wait_until(trained_run, 600, "the run that trains and predicts")
    steps = {s["key"]: s for s in detail["steps"]}
    assert detail["status"] == "succeeded", detail["error"]
    model = steps["model"]["output"]["ports"]["model"]
    assert model["registered_model"] == f"project-{pid}-feedback-text" and model["version"] == "1"
    assert model["files"] == APPROVALS
    assert "epoch 60/60" in steps["model"]["logs"]  # progress, shown while it trained

    # MLflow has the registered version, tagged with the snapshot of the data it saw
    from mlflow.tracking import MlflowClient

    uri = platform.env["GROUNDWORK_MLFLOW_TRACKING_URI"]
    version = MlflowClient(tracking_uri=uri, registry_uri=uri).get_model_version(model["registered_model"], "1")
    assert json.loads(version.tags["groundwork.snapshot_id"]) == model["snapshot_id"]

    # predict pre-labelled everything no person labelled (the held-out set included), not the approved ones
    predicted = steps["out"]["output"]["ports"]
    assert set(predicted["labelled"] + predicted["unsure"]) == set(every) - {t["file_id"] for t in queue}
    for task in queue:
        assert [a["source"] for a in tags(api, pid, task["file_id"])] == ["human"]

    zero_shot = accuracy(api, pid, holdout, names, "all-MiniLM-L6-v2")
    trained = accuracy(api, pid, holdout, names, model["registered_model"])
    print(f"held-out accuracy: zero-shot {zero_shot:.3f}, trained on {APPROVALS} approvals {trained:.3f}")
    assert trained >= zero_shot + 0.1, (zero_shot, trained)
