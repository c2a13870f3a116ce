"""Tiny random models: ``zero_shot_image`` (CLIP, OWL-ViT, OWLv2), NLI zero-shot, linear probe and fine-tuning."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from mldata import png
from mlhelpers import ANIMALS_SCHEMA, MLProject

from workflow_service.blocks.ml.zero_shot_image import ZeroShotImage, ZeroShotImageConfig


def zsi(project: MLProject, ids: list[int], **config: Any) -> Any:
    (out,) = ZeroShotImage(ZeroShotImageConfig.model_validate(config)).run_batch(project.items([ids]))
    if isinstance(out, BaseException):
        raise out
    return out


@pytest.fixture
def animals(make_project: Any) -> MLProject:
    return make_project(ANIMALS_SCHEMA, name="animals")


def images(project: MLProject, n: int = 4, first: int = 0) -> list[int]:
    colours = [(200, 30, 30), (30, 200, 30), (30, 30, 200), (200, 200, 30)]
    return project.upload_images([png(colours[i % 4], size=(48 + 8 * (i % 4), 32), noise=20, seed=i)
                                  for i in range(first, first + n)])


def test_clip_classification_writes_tags_and_routes_the_unsure(animals: MLProject,
                                                                tiny_models: dict[str, Path]) -> None:
    ids = images(animals)
    (text,) = animals.upload_texts(["not an image"])
    out = zsi(animals, [*ids, text], model_dir=str(tiny_models["clip"]), min_score=0.9)
    assert sorted(out.ports["labelled"] + out.ports["unsure"]) == sorted(ids)
    assert out.ports["predictions"]["labels"] == ["cat", "dog", "bird"]
    for file_id in ids:
        (tag,) = animals.annotations(file_id)
        assert (tag["type"], tag["source"], tag["model_name"]) == ("tag", "model", "clip")
        assert tag["model_version"].startswith("classify-") and 0 < tag["score"] <= 1
        assert (file_id in out.ports["unsure"]) == (tag["score"] < 0.9)
        assert abs(max(out.ports["predictions"]["files"][str(file_id)]) - tag["score"]) < 1e-3
    assert animals.annotations(text) == []
    zsi(animals, ids, model_dir=str(tiny_models["clip"]), labels=["cat", "dog"])  # a rerun replaces
    assert all(len(animals.annotations(f)) == 1 for f in ids)


@pytest.mark.parametrize("model", ["owlvit", "owlv2"])
def test_owl_detection_writes_boxes_inside_the_images(animals: MLProject, tiny_models: dict[str, Path],
                                                      model: str) -> None:
    ids = images(animals, 3)
    out = zsi(animals, ids, task="detect", model_dir=str(tiny_models[model]), box_threshold=0.0, max_boxes=5,
              min_score=0.0, batch_size=2)
    assert sorted(out.ports["labelled"]) == sorted(ids) and out.ports["predictions"] is None
    files = {f["id"]: f for f in animals.admin.get(f"/api/v1/projects/{animals.id}/files").json()["items"]}
    for file_id in ids:
        boxes = animals.annotations(file_id)
        assert 1 <= len(boxes) <= 5
        for box in boxes:
            g = box["geometry"]
            assert box["type"] == "box" and box["model_name"] == model and box["model_version"].startswith("detect-")
            assert g["x"] >= 0 and g["x"] + g["w"] <= files[file_id]["width"] + 0.01
            assert g["y"] >= 0 and g["y"] + g["h"] <= files[file_id]["height"] + 0.01
    # a stricter threshold: fewer (here: no) boxes, and the earlier pre-labels are replaced, not kept
    strict = zsi(animals, ids, task="detect", model_dir=str(tiny_models[model]), box_threshold=1.0)
    assert strict.ports["unsure"] == ids and all(animals.annotations(f) == [] for f in ids)


def test_a_missing_model_directory_says_what_to_do(animals: MLProject, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="not a model directory"):
        zsi(animals, images(animals, 1), model_dir=str(tmp_path))


def test_linear_probe_on_a_vision_encoder(animals: MLProject, tiny_models: dict[str, Path], mlflow_store: str) -> None:
    from workflow_service.blocks.ml.predict import Predict, PredictConfig
    from workflow_service.blocks.ml.train import Train, TrainConfig

    ids = images(animals, 12)
    for i, file_id in enumerate(ids):
        animals.tag(file_id, ["cat", "dog"][i % 2])
    (model,) = Train(TrainConfig(modality="image", method="linear_probe", encoder_dir=str(tiny_models["clip"]),
                                 epochs=3)).run_batch(animals.items([]))
    assert not isinstance(model, BaseException), model
    assert model["method"] == "linear_probe" and model["labels"] == ["cat", "dog"]
    new = images(animals, 2, first=100)
    (out,) = Predict(PredictConfig()).run_batch(animals.items([model, new]))
    assert sorted(out.ports["labelled"] + out.ports["unsure"]) == sorted(new)


def test_nli_zero_shot_text(project: MLProject, tiny_models: dict[str, Path]) -> None:
    from workflow_service.blocks.ml.zero_shot_text import ZeroShotText, ZeroShotTextConfig

    ids = project.upload_texts(["the striker scored", "whisk the eggs"])
    config = ZeroShotTextConfig(method="nli", model_dir=str(tiny_models["nli"]), template="This text is about {label}.")
    (out,) = ZeroShotText(config).run_batch(project.items([ids]))
    assert not isinstance(out, BaseException), out
    assert sorted(out.ports["labelled"] + out.ports["unsure"]) == sorted(ids)
    for file_id in ids:
        (tag,) = project.annotations(file_id)
        assert tag["model_name"] == "nli" and tag["model_version"].startswith("nli-")
    probs = out.ports["predictions"]["files"]
    assert all(abs(sum(p) - 1) < 1e-3 for p in probs.values())
    with pytest.raises(ValueError, match="needs model_dir"):
        ZeroShotText(ZeroShotTextConfig(method="nli")).classifier(["a", "b"])


def test_fine_tuning_a_text_encoder_saves_it_with_the_model(project: MLProject, tiny_models: dict[str, Path],
                                                            mlflow_store: str) -> None:
    from mldata import topic_texts

    from workflow_service.blocks.ml.predict import Predict, PredictConfig
    from workflow_service.blocks.ml.train import Train, TrainConfig

    pairs = topic_texts(4, seed=13)
    ids = project.upload_texts([t for t, _ in pairs])
    for file_id, (_, label) in zip(ids, pairs, strict=True):
        project.tag(file_id, label)
    config = TrainConfig(method="finetune", encoder_dir=str(tiny_models["nli"]), epochs=2, val_fraction=0.25)
    (model,) = Train(config).run_batch(project.items([]))
    assert not isinstance(model, BaseException), model
    assert (model["method"], model["train_files"], model["val_files"]) == ("finetune", 9, 3)
    (new,) = project.upload_texts(["the fund bought government debt, and the bank cut its profit forecast."])
    (out,) = Predict(PredictConfig()).run_batch(project.items([model, [new]]))
    assert out.ports["labelled"] + out.ports["unsure"] == [new]
    (tag,) = project.annotations(new)
    assert tag["model_name"] == model["registered_model"] and tag["model_version"] == model["version"]


def test_the_schema_is_read_once_and_an_edit_applies_to_the_next_batch(
        animals: MLProject, tiny_models: dict[str, Path], schema_reads: list[str | None]) -> None:
    first, second, third = images(animals, 3)
    block = ZeroShotImage(ZeroShotImageConfig(model_dir=str(tiny_models["clip"])))
    block.run_batch(animals.items([[first]]))
    block.run_batch(animals.items([[second]]))
    assert len(schema_reads) == 1  # the second micro-batch starts from the schema this process knows
    r = animals.add_label("fish", "#17becf")
    # the write names the revision it was labelled against: refused, the schema read again, the images redone
    (out,) = block.run_batch(animals.items([[third]]))
    assert len(schema_reads) == 2 and out.ports["predictions"]["labels"] == ["cat", "dog", "bird", "fish"]
    (tag,) = animals.annotations(third)
    assert tag["label_id"] in {lb["id"] for lb in r.json()["labels"]}
    history = animals.admin.get(f"/api/v1/projects/{animals.id}/files/{third}/history").json()["items"]
    assert len(history) == 1  # the refused write stored nothing
