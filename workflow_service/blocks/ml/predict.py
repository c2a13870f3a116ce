"""``predict``: pre-label files with a registered model version (the one ``train`` just made, the newest, or
a pinned number). Each file gets one tag (the best label) as a model annotation named after the
registered model, with its version and score; files below ``min_score`` also go to ``unsure``.

Arguments: a model (from ``train``) and/or files, in any order; ``query`` picks the files instead
(e.g. every file no person has labelled yet: ``labels.*.human = 0``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

from groundwork.workflows.spec import Port
from pydantic import BaseModel, ConfigDict, Field

from workflow_service.blocks.base import Block, Item, Outputs, StepContext
from workflow_service.blocks.ml import _data as data
from workflow_service.blocks.ml._common import DEVICE, SCHEMA, bounded, predictions_port, split_by_score
from workflow_service.blocks.ml._runtime import cached, need, pick_device

if TYPE_CHECKING:
    from workflow_service.blocks.ml._bundle import Classifier


class ModelChoice(BaseModel):
    """Which registered model version: from the input (a ``train`` output), by name, latest or pinned."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    registered_model: str | None = Field(default=None, description="MLflow model name (default: the input model)")
    version: str | None = Field(default=None, pattern=r"^(latest|\d+)$",
                                description="a version number or latest (default: the input model's, else latest)")
    device: str = DEVICE
    batch_size: int = Field(default=64, ge=1, le=4096)


class PredictConfig(ModelChoice):
    query: str | None = Field(default=None, description="pre-label these files instead of the input files")
    schema_name: str | None = SCHEMA
    min_score: float = Field(default=0.5, ge=0, le=1, description="below this a file also goes to `unsure`")
    replace: Literal["model", "source"] = Field(
        default="model", description="model: replace this model's earlier pre-labels of a file; source: every "
                                     "model-made annotation of it (e.g. the zero-shot one)")
    skip_human: bool = Field(default=True, description="leave files that already have a human tag alone")


def model_ref(args: Sequence[Any]) -> dict[str, Any] | None:
    """The model a ``train`` step output, among the arguments."""
    return next((a for a in args if isinstance(a, dict) and "registered_model" in a), None)


def load_classifier(choice: ModelChoice, args: Sequence[Any]) -> tuple[Classifier, str, str]:
    """(classifier, registered name, version) for the configured or given model, loaded once per process."""
    need("torch", "transformers", "mlflow")
    from workflow_service.blocks.ml import _bundle, _tracking

    given = model_ref(args) or {}
    name = choice.registered_model or given.get("registered_model")
    if not name:
        raise ValueError("no model: set registered_model, or pass the output of a train step")
    wanted = choice.version or (given.get("version") if given.get("registered_model") == name else None)
    version = _tracking.resolve_version(name, wanted)
    device = pick_device(choice.device)
    classifier = cached(("bundle", _tracking.configure(), name, version, device),
                        lambda: _bundle.Classifier(_bundle.find(_tracking.download(name, version)), device))
    return classifier, name, version


class Predict(Block[PredictConfig]):
    """Outputs ``labelled``, ``unsure`` and ``predictions`` (probabilities per file, for active learning)."""

    slug = "predict"
    title = "Predict (pre-label with a trained model)"
    description = "Pre-label files with a registered MLflow model version (latest or pinned); unsure ones to people."
    version = "1"
    Config = PredictConfig
    inputs = (Port("input", "any", many=True),)
    outputs = (Port("labelled", "files"), Port("unsure", "files"), Port("predictions", "any"))
    queue = "gpu"

    def run_batch(self, items: Sequence[Item]) -> list[Any]:
        return [self._one(item.ctx, item.args) for item in items]  # a model per step: they may differ

    def _one(self, ctx: StepContext, args: list[Any]) -> Outputs:
        import numpy as np

        classifier, name, version = load_classifier(self.config, args)
        found = data.schema(ctx, self.config.schema_name)
        tag = data.ModelTag(name, version)
        kind: Literal["text", "image"] = "text" if classifier.modality == "text" else "image"
        chunks = (data.iter_slice(ctx, query=self.config.query, kind=kind) if self.config.query is not None
                  else iter([data.read_files(ctx, data.input_files(args))]))
        ids: list[int] = []
        parts = []
        seen = 0
        for items in chunks:  # a large pool goes through in chunks: read, predict, write, forget
            seen += len(items)
            got, probs = self._chunk(ctx, classifier, found.id, items, tag)
            ids += got
            parts.append(probs)
            ctx.progress(f"{len(ids)} of {seen} file(s) pre-labelled so far")
        probs = np.concatenate(parts) if parts else np.zeros((0, len(classifier.labels)), np.float32)
        scores = [float(p.max()) for p in probs]
        confident, unsure = split_by_score(ids, scores, self.config.min_score)
        ctx.log(f"{len(ids)} file(s) pre-labelled by {name} v{version} on {classifier.device}: {len(confident)} ≥ "
                f"{self.config.min_score}, {len(unsure)} unsure; {seen - len(ids)} left alone (human-labelled "
                "or another kind)")
        return Outputs({"labelled": bounded(ctx, confident, "labelled"), "unsure": bounded(ctx, unsure, "unsure"),
                        "predictions": predictions_port(classifier.labels, ids, probs, name, version)})

    def _chunk(self, ctx: StepContext, classifier: Classifier, schema_id: int, items: list[dict[str, Any]],
               tag: data.ModelTag) -> tuple[list[int], Any]:
        todo = [i for i in items if i["kind"] == classifier.modality
                and not (self.config.skip_human and data.tag_label(i, schema_id) is not None)]
        values = [(i.get("text") or "") if classifier.modality == "text" else i.get("image") for i in todo]
        probs = classifier.predict_proba(values, self.config.batch_size)
        ids = [int(i["file_id"]) for i in todo]
        labels = classifier.labels
        data.write_tags(ctx, schema_id, [(f, labels[int(p.argmax())], float(p.max())) for f, p in
                                         zip(ids, probs, strict=True)], tag, replace=self.config.replace)
        return ids, probs
