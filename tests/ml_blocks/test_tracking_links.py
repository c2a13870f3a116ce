"""What a training step tells the run view: a link to its MLflow run (when a UI is configured) and its curve."""

from __future__ import annotations

import itertools

import pytest

from workflow_service.blocks.ml._tracking import MAX_HISTORY_POINTS, history_points, run_url


def test_the_run_link_follows_the_configured_mlflow_ui(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GROUNDWORK_MLFLOW_UI_URL", raising=False)
    assert run_url("3", "abc") is None
    monkeypatch.setenv("GROUNDWORK_MLFLOW_UI_URL", "https://mlflow.example.com/")
    assert run_url("3", "abc") == "https://mlflow.example.com/#/experiments/3/runs/abc"


def test_a_long_training_keeps_an_evenly_spaced_curve_with_its_last_epoch() -> None:
    epochs = [{"train_loss": 1 / (i + 1), "val_accuracy": i / 1000} for i in range(1000)]
    points = history_points(epochs)
    assert len(points) == MAX_HISTORY_POINTS
    assert points[0] == {"epoch": 1, "train_loss": 1.0, "val_accuracy": 0.0}
    assert points[-1]["epoch"] == 1000 and points[-1]["val_accuracy"] == 0.999
    steps = {b["epoch"] - a["epoch"] for a, b in itertools.pairwise(points)}
    assert steps <= {5, 6}  # evenly spaced
    short = history_points(epochs[:7])
    assert [p["epoch"] for p in short] == [1, 2, 3, 4, 5, 6, 7]
