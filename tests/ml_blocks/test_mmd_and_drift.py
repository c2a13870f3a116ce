"""``drift_check``: MMD with a permutation test on embeddings; the statistic's own behaviour on known samples."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from mldata import split_halves, topic_texts, weather_texts
from mlhelpers import MLProject

from workflow_service.blocks.ml._mmd import mmd_test
from workflow_service.blocks.ml.drift_check import DriftCheck, DriftCheckConfig

pytest.importorskip("torch")


def test_mmd_separates_shifted_samples_and_not_equal_ones() -> None:
    rng = np.random.default_rng(0)
    a, b = rng.normal(0, 1, (60, 8)), rng.normal(0, 1, (60, 8))
    same = mmd_test(a.astype(np.float32), b.astype(np.float32), permutations=300)
    assert same.p_value > 0.05
    shifted = rng.normal(0, 1, (60, 8))
    shifted[:20] += 3.0  # a third of the new sample moved far away
    drift = mmd_test(shifted.astype(np.float32), a.astype(np.float32), permutations=300)
    assert drift.p_value < 0.01 and drift.mmd2 > same.mmd2
    top = np.argsort(-drift.witness)[:20]
    assert set(top.tolist()) == set(range(20))  # the witness points at the moved rows
    with pytest.raises(ValueError, match="at least two"):
        mmd_test(a[:1].astype(np.float32), b.astype(np.float32))


def run(project: MLProject, *args: Any, **config: Any) -> Any:
    (out,) = DriftCheck(DriftCheckConfig.model_validate(config)).run_batch(project.items(list(args)))
    if isinstance(out, BaseException):
        raise out
    return out


def test_new_texts_of_another_topic_are_drift_and_a_fresh_sample_is_not(project: MLProject) -> None:
    reference, same = split_halves(topic_texts(12, seed=4))
    ref_ids = project.upload_texts([t for t, _ in reference])
    same_ids = project.upload_texts([t for t, _ in same])
    shifted_ids = project.upload_texts(weather_texts(16)) + same_ids[:8]  # two thirds of the new files shifted

    calm = run(project, same_ids, ref_ids, permutations=300)
    assert calm.ports["report"]["drift"] is False and calm.ports["report"]["p_value"] > 0.05
    assert calm.ports["report"]["n_current"] == 18 and calm.ports["report"]["n_reference"] == 18

    storm = run(project, shifted_ids, ref_ids, permutations=300, top_k=12)
    report = storm.ports["report"]
    assert report["drift"] is True and report["p_value"] < 0.01 and report["score"] > calm.ports["report"]["score"]
    assert set(storm.ports["anomalous"]) <= set(shifted_ids[:16])  # the weather texts stand out

    # the reference can be a query instead of an argument
    by_query = run(project, shifted_ids, permutations=100,
                   reference_query=f"file.id in [{', '.join(map(str, ref_ids))}]")
    assert by_query.ports["report"]["drift"] is True
    with pytest.raises(ValueError, match="no reference"):
        run(project, shifted_ids)
