"""``train`` (MLflow runs, registered versions tagged with their snapshot) and ``predict`` (latest or pinned)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from mldata import png, topic_texts
from mlhelpers import MLProject

from workflow_service.blocks.ml.predict import Predict, PredictConfig
from workflow_service.blocks.ml.train import Train, TrainConfig

pytest.importorskip("mlflow")


def train(project: MLProject, **config: Any) -> dict[str, Any]:
    (out,) = Train(TrainConfig.model_validate(config)).run_batch(project.items([]))
    if isinstance(out, BaseException):
        raise out
    return dict(out)


def predict(project: MLProject, *args: Any, **config: Any) -> Any:
    (out,) = Predict(PredictConfig.model_validate(config)).run_batch(project.items(list(args)))
    if isinstance(out, BaseException):
        raise out
    return out


def test_a_text_model_is_trained_tracked_registered_and_predicts(project: MLProject, mlflow_store: str) -> None:
    import mlflow
    from mlflow.tracking import MlflowClient

    pairs = topic_texts(12, seed=3)
    ids = project.upload_texts([t for t, _ in pairs])
    truth = dict(zip(ids, (label for _, label in pairs), strict=True))
    for file_id in ids[:30]:
        project.tag(file_id, truth[file_id])
    model = train(project, epochs=40, val_fraction=0.25)
    name = f"project-{project.id}-topics-text"
    assert model["registered_model"] == name and model["version"] == "1"
    assert model["files"] == 30 and (model["train_files"], model["val_files"]) == (22, 8)
    assert model["labels"] == ["sports", "cooking", "finance"]
    assert model["metrics"]["accuracy"] >= 0.75 and set(model["metrics"]["per_class_f1"]) == set(model["labels"])
    assert sum(map(sum, model["confusion_matrix"]["matrix"])) == 8

    mlflow.set_tracking_uri(mlflow_store)
    mlflow.set_registry_uri(mlflow_store)
    client = MlflowClient()
    version = client.get_model_version(name, "1")
    assert json.loads(version.tags["groundwork.snapshot_id"]) == model["snapshot_id"]
    assert json.loads(version.tags["groundwork.files"]) == 30
    run = client.get_run(model["mlflow_run_id"])
    assert run.data.params["method"] == "head" and run.data.params["files"] == "30"
    assert len(client.get_metric_history(run.info.run_id, "val_accuracy")) == 40  # one per epoch
    # the step's output carries the curve for the run view's chart, and no link without an MLflow UI
    assert [p["epoch"] for p in model["history"]] == list(range(1, 41))
    assert set(model["history"][0]) == {"epoch", "train_loss", "val_loss", "val_accuracy"}
    assert 1 <= model["best_epoch"] <= 40 and model["mlflow_experiment_id"] == run.info.experiment_id
    assert model["mlflow_run_url"] is None
    artifacts = {a.path for a in client.list_artifacts(run.info.run_id)}
    assert {"confusion_matrix.json", "classification_report.json", "history.json"} <= artifacts
    snapshot = project.admin.get(f"/api/v1/projects/{project.id}/snapshots/{model['snapshot_id']}").json()
    assert snapshot["file_count"] == 30  # the data it saw, kept for reproduction

    # predict the rest with the model from the input; human-labelled files are left alone
    out = predict(project, model, ids)
    done = out.ports["labelled"] + out.ports["unsure"]
    assert sorted(done) == sorted(ids[30:])
    right = 0
    for file_id in ids[30:]:
        (tag,) = project.annotations(file_id)
        assert (tag["source"], tag["model_name"], tag["model_version"]) == ("model", name, "1")
        right += out.ports["predictions"]["labels"][int(
            max(range(3), key=lambda k: out.ports["predictions"]["files"][str(file_id)][k]))] == truth[file_id]
    assert right >= 5
    # the pyfunc flavour serves data scientists too
    import pandas as pd

    loaded = mlflow.pyfunc.load_model(f"models:/{name}/1")
    frame = loaded.predict(pd.DataFrame({"text": ["the goalkeeper saved a penalty in the final"]}))
    assert list(frame.columns[:2]) == ["label", "score"] and frame["label"][0] == "sports"

    # a second training makes version 2; predict takes the latest, or a pinned one
    for file_id in ids[30:]:
        project.tag(file_id, truth[file_id])
    assert train(project, epochs=5)["version"] == "2"
    (extra,) = project.upload_texts(["the bank cut its profit forecast as shares fell"])
    predict(project, [extra], registered_model=name)
    assert project.annotations(extra)[0]["model_version"] == "2"
    predict(project, [extra], registered_model=name, version="1")
    (tag,) = project.annotations(extra)  # replaced, not added
    assert tag["model_version"] == "1"


def test_training_refuses_too_little_data(project: MLProject, mlflow_store: str) -> None:
    ids = project.upload_texts(["the striker scored", "whisk the eggs"])
    project.tag(ids[0], "sports")
    project.tag(ids[1], "cooking")
    with pytest.raises(ValueError, match="need at least 8"):
        train(project)
    with pytest.raises(ValueError, match="does not train text"):
        train(project, method="cnn")


def test_predict_with_a_query_and_an_unknown_model(project: MLProject, mlflow_store: str) -> None:
    with pytest.raises(LookupError, match="no registered model"):
        predict(project, [1], registered_model="nope")
    with pytest.raises(ValueError, match="no model"):
        predict(project, [1])


def test_an_image_cnn_learns_colours(make_project: Any, mlflow_store: str) -> None:
    project = make_project({"name": "colours", "labels": [
        {"name": "red", "color": "#ff0000", "annotation_types": ["tag"]},
        {"name": "blue", "color": "#0000ff", "annotation_types": ["tag"]}]}, name="images")
    colours = {"red": (200, 40, 40), "blue": (40, 40, 200)}
    labels = [name for i in range(12) for name in colours]
    ids = project.upload_images([png(colours[name], noise=30, seed=i) for i, name in enumerate(labels)])
    for file_id, name in zip(ids, labels, strict=True):
        project.tag(file_id, name)
    model = train(project, modality="image", epochs=15, image_size=16, val_fraction=0.25)
    assert (model["method"], model["modality"], model["labels"]) == ("cnn", "image", ["red", "blue"])
    assert model["metrics"]["accuracy"] >= 0.8
    new = project.upload_images([png((220, 30, 30), noise=10, seed=99), png((30, 30, 220), noise=10, seed=98)])
    out = predict(project, model, new)
    names = {lb["id"]: lb["name"] for lb in project.admin.get(
        f"/api/v1/projects/{project.id}/schemas/{project.schema_id}").json()["labels"]}
    assert [names[project.annotations(f)[0]["label_id"]] for f in new] == ["red", "blue"]
    assert sorted(out.ports["labelled"] + out.ports["unsure"]) == sorted(new)
