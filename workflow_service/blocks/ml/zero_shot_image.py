"""``zero_shot_image``: pre-label images with the schema's labels, no training data needed.

``classify`` (CLIP, SigLIP, ...) writes one tag per image (the best tag label, with its probability);
``detect`` (OWL-ViT, OWLv2) writes boxes for the schema's box labels. The model comes from a local
directory (``model_dir``: a checkpoint saved with ``save_pretrained`` or downloaded from a model hub
beforehand; workers never download). Files scoring below ``min_score`` (classify: the best label;
detect: the best box, or no box at all) also go to ``unsure``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from groundwork.resources.annotations import annotation_body
from groundwork.workflows.spec import Port
from pydantic import BaseModel, ConfigDict, Field

from workflow_service.blocks.base import Block, Item, Outputs
from workflow_service.blocks.ml import _data as data
from workflow_service.blocks.ml._common import DEVICE, SCHEMA, predictions_port, split_by_score
from workflow_service.blocks.ml._runtime import fingerprint, model_dir, need, pick_device
from workflow_service.blocks.ml._zeroshot import label_texts


class ZeroShotImageConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    task: Literal["classify", "detect"] = Field(default="classify", description="classify (tags) or detect (boxes)")
    model_dir: str = Field(description="a local CLIP-style (classify) or OWL-ViT/OWLv2 (detect) model directory")
    schema_name: str | None = SCHEMA
    labels: list[str] = Field(default_factory=list, description="only these labels (default: all that fit)")
    template: str = Field(default="a photo of a {label}", description="the text per label")
    min_score: float = Field(default=0.5, ge=0, le=1, description="below this a file also goes to `unsure`")
    box_threshold: float = Field(default=0.1, ge=0, le=1, description="detect: keep boxes scoring at least this")
    nms_iou: float = Field(default=0.5, gt=0, le=1, description="detect: overlapping boxes of a label above this "
                                                                "IoU are merged into the best one")
    max_boxes: int = Field(default=100, ge=1, le=10_000, description="detect: at most this many boxes per image")
    batch_size: int = Field(default=16, ge=1, le=1024, description="images per forward pass")
    device: str = DEVICE
    model_name: str | None = Field(default=None, description="the name written on the pre-labels "
                                                              "(default: the model directory's name)")
    replace: Literal["model", "source"] = "model"


class ZeroShotImage(Block[ZeroShotImageConfig]):
    """Outputs ``labelled``, ``unsure`` and (classify) ``predictions``."""

    slug = "zero_shot_image"
    title = "Zero-shot image classification and detection"
    description = ("Pre-label images with the schema's labels: CLIP-style tags or OWL-ViT/OWLv2 boxes from a local "
                   "model directory; low-confidence files go to `unsure`.")
    version = "1"
    Config = ZeroShotImageConfig
    inputs = (Port("files", "files"),)
    outputs = (Port("labelled", "files"), Port("unsure", "files"), Port("predictions", "any"))
    queue = "gpu"

    def run_batch(self, items: Sequence[Item]) -> list[Any]:
        need("torch", "transformers")
        from workflow_service.blocks.ml._vision import VisionZeroShot

        c = self.config
        ctx = items[0].ctx
        wanted = [data.input_files(item.args) for item in items]
        kind = "box" if c.task == "detect" else "tag"
        data.schema_and_labels(ctx, c.schema_name, kind, c.labels)  # a schema without such labels fails before reads
        read = [i for i in data.read_files(ctx, list(dict.fromkeys(f for ids in wanted for f in ids)))
                if i["kind"] == "image" and i.get("image") is not None]
        tag = self._tag()
        model = VisionZeroShot.load(model_dir(c.model_dir)[0], pick_device(c.device), c.task)
        ids = [int(i["file_id"]) for i in read]
        images = [i["image"] for i in read]

        def pre_label() -> tuple[list[str], dict[int, float], dict[int, Any]]:
            # the schema this process knows (read when it knows none); the write names its revision, so an edit
            # made since is refused there and the images are labelled again with the schema read afresh
            found, labels = data.schema_and_labels(ctx, c.schema_name, kind, c.labels)
            prompts = label_texts(labels, c.template)
            label = self._classify if c.task == "classify" else self._detect
            scores, written, probs = label(model, images, prompts, labels, ids)
            data.write_annotations(ctx, found.id, written, replace=c.replace, previous=read, model_name=tag.name,
                                   schema_revision=found.revision)
            return labels, scores, probs

        labels, scores, probs = data.redo_on_schema_change(ctx, c.schema_name, pre_label)
        return [self._outputs(item, ids_of, scores, labels, probs, tag) for item, ids_of in zip(items, wanted,
                                                                                                 strict=True)]

    def _classify(self, model: Any, images: list[Any], prompts: list[str], labels: list[str],
                  ids: list[int]) -> tuple[dict[int, float], dict[int, list[dict[str, Any]]], dict[int, Any]]:
        import numpy as np

        rows = [model.classify(images[i:i + self.config.batch_size], prompts)
                for i in range(0, len(images), self.config.batch_size)]
        probs = np.concatenate(rows) if rows else np.zeros((0, len(labels)), np.float32)
        tag = self._tag()
        written = {f: [annotation_body("tag", label=labels[int(p.argmax())], source="model", model_name=tag.name,
                                       model_version=tag.version, score=round(float(p.max()), 6))]
                   for f, p in zip(ids, probs, strict=True)}
        return ({f: float(p.max()) for f, p in zip(ids, probs, strict=True)}, written,
                dict(zip(ids, probs, strict=True)))

    def _detect(self, model: Any, images: list[Any], prompts: list[str], labels: list[str],
                ids: list[int]) -> tuple[dict[int, float], dict[int, list[dict[str, Any]]], dict[int, Any]]:
        c, tag = self.config, self._tag()
        boxes = [b for i in range(0, len(images), c.batch_size)
                 for b in model.detect(images[i:i + c.batch_size], prompts, c.box_threshold, c.nms_iou, c.max_boxes)]
        written = {f: [annotation_body("box", label=labels[b.label], source="model", model_name=tag.name,
                                       model_version=tag.version, score=round(b.score, 6),
                                       geometry={"x": round(b.x, 2), "y": round(b.y, 2), "w": round(b.w, 2),
                                                 "h": round(b.h, 2)}) for b in found]
                   for f, found in zip(ids, boxes, strict=True)}  # no box: earlier pre-labels are replaced by none
        return {f: max((b.score for b in found), default=0.0) for f, found in zip(ids, boxes, strict=True)}, written, {}

    def _tag(self) -> data.ModelTag:
        path, name = model_dir(self.config.model_dir)
        return data.ModelTag(self.config.model_name or name, f"{self.config.task}-{fingerprint(path)}")

    def _outputs(self, item: Item, ids: list[int], scores: dict[int, float], labels: list[str],
                 probs: dict[int, Any], tag: data.ModelTag) -> Outputs:
        import numpy as np

        done = [f for f in ids if f in scores]
        confident, unsure = split_by_score(done, [scores[f] for f in done], self.config.min_score)
        item.ctx.log(f"{len(done)} image(s) pre-labelled by {tag.name} ({self.config.task}, {len(labels)} labels): "
                     f"{len(confident)} ≥ {self.config.min_score}, {len(unsure)} unsure"
                     + (f"; {len(ids) - len(done)} skipped (not an image, or gone)" if len(done) < len(ids) else ""))
        predictions = None
        if self.config.task == "classify":
            rows = np.array([probs[f] for f in done], np.float32).reshape(len(done), len(labels))
            predictions = predictions_port(labels, done, rows, tag.name, tag.version)
        return Outputs({"labelled": confident, "unsure": unsure, "predictions": predictions})
