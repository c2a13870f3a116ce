"""``deepchecks``: integrity of one slice, train/test validation between two; reports stored and served."""

from __future__ import annotations

from typing import Any

import pytest
from mldata import split_halves, topic_texts
from mlhelpers import MLProject

from workflow_service.blocks.base import Item
from workflow_service.blocks.ml.data_checks import Deepchecks, DeepchecksConfig

pytest.importorskip("deepchecks")


def check(project: MLProject, run_id: int, *args: Any, **config: Any) -> Any:
    block = Deepchecks(DeepchecksConfig.model_validate(config))
    (out,) = block.run_batch([Item(project.ctx(run_id, key=f"checks{len(args)}"), list(args))])
    if isinstance(out, BaseException):
        raise out
    return out


def labelled(project: MLProject, pairs: list[tuple[str, str]], *, shout: bool = False) -> list[int]:
    texts = [f"{t.upper()} {t.upper()}!!" if shout else t for t, _ in pairs]
    ids = project.upload_texts(texts)
    for file_id, (_, label) in zip(ids, pairs, strict=True):
        project.tag(file_id, "finance" if shout else label)
    return ids


def test_a_shifted_slice_fails_drift_conditions_and_a_fresh_sample_passes(project: MLProject) -> None:
    reference, fresh = split_halves(topic_texts(40, seed=7))
    ref_ids = labelled(project, reference)
    fresh_ids = labelled(project, fresh)
    shifted_ids = labelled(project, topic_texts(20, seed=8), shout=True)  # longer, upper case, one class
    run_id = project.real_run()

    calm = check(project, run_id, fresh_ids, ref_ids)
    assert calm.ports["report"]["suite"] == "train_test_validation", calm.ports
    assert calm.ports["report"]["passed"] is True, calm.ports["failed"]
    assert calm.ports["failed"] == [] and calm.ports["report"]["files"] == [60, 60]

    storm = check(project, run_id, shifted_ids, ref_ids, embedding_dims=4)
    failed = storm.ports["failed"]
    assert storm.ports["report"]["passed"] is False
    checks = {f["check"] for f in failed}
    assert {"Feature Drift", "Label Drift", "Multivariate Drift"} <= checks, failed
    assert all(f["category"] == "FAIL" and f["condition"] and f["details"] for f in failed)
    assert {"emb_0", "emb_3", "length", "upper_ratio"} <= set(storm.ports["report"]["features"])

    # the reports are the run's artifacts, served by the API (HTML sandboxed)
    arts = project.admin.get(f"/api/v1/projects/{project.id}/workflow-runs/{run_id}/artifacts").json()
    names = {(a["step_key"], a["name"]) for a in arts}
    assert names >= {("checks2", "deepchecks.json"), ("checks2", "deepchecks.html")}
    html = project.admin.get(storm.ports["report"]["artifacts"]["html"])
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert "Feature Drift" in html.text and "sandbox" in html.headers["content-security-policy"]
    result = project.admin.get(storm.ports["report"]["artifacts"]["json"]).json()
    assert result["name"] == "Train Test Validation Suite"


def test_identical_slices_show_no_drift_only_the_leak_and_integrity_runs_on_one(project: MLProject) -> None:
    pairs = topic_texts(20, seed=9)
    ids = labelled(project, pairs)
    run_id = project.real_run()
    same = check(project, run_id, ids, ids)
    # the very same files on both sides: no drift, but every new file is in the reference — a leak, flagged
    assert [f["check"] for f in same.ports["failed"]] == ["Index Train-Test Leakage"], same.ports["failed"]
    assert same.ports["failed"][0]["details"] == "Found 100% of index leakage"
    unleaked = check(project, run_id, ids, ids, exclude_checks=["Index Train-Test Leakage", "TrainTestSamplesMix"])
    assert unleaked.ports["report"]["passed"], unleaked.ports["failed"]

    one = check(project, run_id, ids)
    assert one.ports["report"]["suite"] == "data_integrity" and one.ports["report"]["files"] == [60]
    assert isinstance(one.ports["failed"], list)
    with pytest.raises(ValueError, match="too few"):
        check(project, run_id, ids[:1])
