"""``active_learning``: the K most informative files by least confidence, margin or entropy."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from mldata import topic_texts
from mlhelpers import MLProject

from workflow_service.blocks.ml.active_learning import ActiveLearning, ActiveLearningConfig, choose, informativeness
from workflow_service.blocks.ml.train import Train, TrainConfig
from workflow_service.blocks.ml.zero_shot_text import ZeroShotText, ZeroShotTextConfig

PROBS = np.array([[0.9, 0.05, 0.05],   # sure
                  [0.5, 0.45, 0.05],   # two close candidates
                  [0.4, 0.3, 0.3],     # unsure, but one leads clearly over the runner-up
                  [0.34, 0.33, 0.33]], np.float32)  # flat: least sure by every measure


def test_each_strategy_ranks_as_defined() -> None:
    assert np.allclose(informativeness(PROBS, "least_confidence"), [0.1, 0.5, 0.6, 0.66])
    assert np.allclose(informativeness(PROBS, "margin"), [0.15, 0.95, 0.9, 0.99])
    entropy = informativeness(PROBS, "entropy")
    assert entropy.argmax() == 3 and entropy.argmin() == 0 and entropy[2] > entropy[1]
    ids = [10, 11, 12, 13]
    assert [f for f, _ in choose(ids, PROBS, "least_confidence", 2)] == [13, 12]
    assert [f for f, _ in choose(ids, PROBS, "margin", 2)] == [13, 11]  # margin prefers the close call
    assert [f for f, _ in choose(ids, PROBS, "entropy", 4)] == [13, 12, 11, 10]


def al(project: MLProject, *args: Any, **config: Any) -> Any:
    (out,) = ActiveLearning(ActiveLearningConfig.model_validate(config)).run_batch(project.items(list(args)))
    if isinstance(out, BaseException):
        raise out
    return out


@pytest.mark.parametrize("strategy", ["least_confidence", "margin", "entropy"])
def test_choosing_from_zero_shot_predictions(project: MLProject, strategy: str) -> None:
    ids = project.upload_texts([t for t, _ in topic_texts(4, seed=5)])
    (zs,) = ZeroShotText(ZeroShotTextConfig()).run_batch(project.items([ids]))
    preds = zs.ports["predictions"]
    out = al(project, preds, strategy=strategy, k=3)
    probs = np.array([preds["files"][str(f)] for f in ids], np.float32)
    expected = [f for f, _ in choose(ids, probs, strategy, 3)]  # type: ignore[arg-type]
    assert out.ports["files"] == expected and list(out.ports["scores"]) == [str(f) for f in expected]


def test_choosing_from_the_unlabelled_pool_with_a_registered_model(project: MLProject, mlflow_store: str) -> None:
    pairs = topic_texts(8, seed=6)
    ids = project.upload_texts([t for t, _ in pairs])
    for file_id, (_, label) in list(zip(ids, pairs, strict=True))[:12]:
        project.tag(file_id, label)
    (model,) = Train(TrainConfig(epochs=5)).run_batch(project.items([]))
    out = al(project, model, query="labels.*.human = 0", k=5, strategy="entropy")
    assert len(out.ports["files"]) == 5 and set(out.ports["files"]) <= set(ids[12:])
    scores = list(out.ports["scores"].values())
    assert scores == sorted(scores, reverse=True)
    with pytest.raises(ValueError, match="no predictions in the input"):
        al(project, ids)
