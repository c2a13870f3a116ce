"""``train``: fit a classifier on a query-defined slice, track it in MLflow and register a new model version.

The slice is resolved into a snapshot first (the files and their annotations as of that moment), so
the registered version is tagged with exactly the data it saw (``groundwork.snapshot_id``) and can be
reproduced. Labels are the files' tags in the schema (human-made ones by default). Text: a linear head
on frozen sentence embeddings (``head``, default) or the whole encoder fine-tuned (``finetune``);
images: a small CNN (``cnn``, default) or a linear probe on a pretrained vision model
(``linear_probe``). Params, per-epoch metrics, the confusion matrix and per-class F1 are logged to
the run; epochs show in the step's log while it trains.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from groundwork.workflows.spec import Port
from pydantic import BaseModel, ConfigDict, Field

from workflow_service.blocks.base import Block, StepContext
from workflow_service.blocks.ml import _data as data
from workflow_service.blocks.ml._common import DEVICE, SCHEMA
from workflow_service.blocks.ml._runtime import device_name, need, pick_device

PYFUNC_CODE = Path(__file__).with_name("pyfunc_model.py")
METHODS = {"text": ("head", "finetune"), "image": ("cnn", "linear_probe")}


class TrainConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    modality: Literal["text", "image"] = "text"
    method: Literal["head", "finetune", "cnn", "linear_probe"] | None = Field(
        default=None, description="text: head (default) or finetune; image: cnn (default) or linear_probe")
    query: str = Field(default="labels.*.human > 0", description="the files to learn from (the query language)")
    dataset: str | None = Field(default=None, description="only files of this dataset")
    schema_name: str | None = SCHEMA
    label_source: Literal["human", "any"] = Field(default="human", description="which tags count as the truth")
    encoder_dir: str | None = Field(default=None, description="text: another sentence encoder than the packaged "
                                                               "MiniLM; linear_probe: the vision model (required)")
    epochs: int | None = Field(default=None, ge=1, le=10_000, description="default: 50 (head, linear_probe), "
                                                                          "4 (finetune), 30 (cnn)")
    learning_rate: float | None = Field(default=None, gt=0, le=10)
    batch_size: int = Field(default=32, ge=1, le=4096)
    val_fraction: float = Field(default=0.2, ge=0, lt=1)
    keep_best_epoch: bool = Field(default=False, description="keep the epoch with the best validation accuracy "
                                                              "(only with a large validation set) instead of the last")
    min_examples: int = Field(default=8, ge=2, description="fail (rather than register a useless model) below this")
    max_files: int = Field(default=100_000, ge=2)
    image_size: int = Field(default=64, ge=16, le=512, description="cnn: images are resized to this square")
    max_length: int = Field(default=256, ge=8, le=4096)
    seed: int = 0
    registered_model: str | None = Field(default=None, description="MLflow model name (default: "
                                                                    "project-ID-SCHEMA-MODALITY)")
    experiment: str | None = Field(default=None, description="MLflow experiment (default: groundwork/project-ID)")
    device: str = DEVICE


class Train(Block[TrainConfig]):
    """Any inputs only trigger it (e.g. tasks gathered by a wait); outputs the registered model version."""

    slug = "train"
    title = "Train a classifier"
    description = ("Fit a text or image classifier on a query-defined slice; log it to MLflow and register a "
                   "new model version tagged with its data snapshot.")
    version = "1"
    Config = TrainConfig
    inputs = (Port("after", "any", many=True),)
    outputs = (Port("model", "model"),)
    queue = "gpu"

    def run(self, ctx: StepContext, *args: Any) -> dict[str, Any]:
        need("torch", "transformers", "mlflow", "sklearn")
        c = self.config
        method = c.method or METHODS[c.modality][0]
        if method not in METHODS[c.modality]:
            raise ValueError(f"method {method!r} does not train {c.modality} classifiers; use one of "
                             f"{', '.join(METHODS[c.modality])}")
        found = data.schema(ctx, c.schema_name)
        got = data.read_slice(ctx, query=c.query, dataset=c.dataset, kind=c.modality, limit=c.max_files)
        ctx.progress(f"snapshot {got.snapshot_id}: {len(got.items)} {c.modality} file(s) match {c.query!r}")
        labels = data.labels_for(found, "tag")
        inputs, y = self._examples(got.items, found.id, labels, c.label_source)
        present = sorted(set(y))
        if len(y) < c.min_examples or len(present) < 2:
            raise ValueError(f"{len(y)} labelled file(s) in {len(present)} class(es): need at least "
                             f"{c.min_examples} and two classes to train")
        classes = [labels[k] for k in present]  # only classes seen in the data can be predicted
        remap = {k: i for i, k in enumerate(present)}
        return self._train(ctx, found.name, got.snapshot_id, method, inputs, [remap[k] for k in y], classes)

    def _examples(self, items: Sequence[dict[str, Any]], schema_id: int, labels: list[str],
                  source: Literal["human", "any"]) -> tuple[list[Any], list[int]]:
        index = {name: k for k, name in enumerate(labels)}
        inputs, y = [], []
        for item in items:
            label = data.tag_label(item, schema_id, source=source)
            value = item.get("text") if self.config.modality == "text" else item.get("image")
            if label in index and value is not None:
                inputs.append(value)
                y.append(index[label])
        return inputs, y

    def _train(self, ctx: StepContext, schema_name: str, snapshot_id: int | None, method: str,
               inputs: list[Any], y: list[int], classes: list[str]) -> dict[str, Any]:
        import mlflow

        from workflow_service.blocks.ml import _tracking
        from workflow_service.blocks.ml._train_impl import DEFAULTS, Plan, train

        c = self.config
        device = pick_device(c.device)
        epochs, lr = DEFAULTS[method]
        plan = Plan(method, classes, c.encoder_dir, c.epochs or epochs, c.learning_rate or lr, c.batch_size,
                    c.val_fraction, c.seed, c.max_length, c.image_size, device, c.keep_best_epoch)
        name = c.registered_model or f"project-{ctx.project_id}-{schema_name}-{c.modality}"
        experiment = _tracking.experiment_id(c.experiment or f"groundwork/project-{ctx.project_id}")
        tags = {_tracking.SNAPSHOT_TAG: snapshot_id, "groundwork.project_id": ctx.project_id,
                "groundwork.workflow_run_id": ctx.run_id, "groundwork.files": len(y)}
        ctx.progress(f"training {method} on {len(y)} file(s), {len(classes)} classes, on {device_name(device)}")
        with mlflow.start_run(experiment_id=experiment, run_name=f"workflow run {ctx.run_id} ({ctx.step_key})",
                              tags={k: json.dumps(v) for k, v in tags.items()}) as run:
            mlflow.log_params({"modality": c.modality, "method": method, "query": c.query, "schema": schema_name,
                               "classes": ",".join(classes), "files": len(y), "epochs": plan.epochs,
                               "learning_rate": plan.lr, "batch_size": plan.batch_size, "seed": plan.seed,
                               "val_fraction": plan.val_fraction, "snapshot_id": snapshot_id, "device": device})

            def on_epoch(epoch: int, metrics: dict[str, float]) -> None:
                mlflow.log_metrics(metrics, step=epoch)
                shown = ", ".join(f"{k} {v:.4f}" for k, v in metrics.items())
                ctx.progress(f"epoch {epoch}/{plan.epochs}: {shown}", summary=f"epoch {epoch}/{plan.epochs}")

            done = train(inputs, y, plan, on_epoch)
            version = _tracking.log_and_register(done, name, {**done.spec, "schema": schema_name}, tags, PYFUNC_CODE)
        m = done.metrics
        ctx.log(f"registered {name} version {version} (MLflow run {run.info.run_id}): accuracy {m['accuracy']:.3f}, "
                f"macro F1 {m['f1_macro']:.3f} on {m['evaluated_on']}")
        return {"registered_model": name, "version": version, "mlflow_run_id": run.info.run_id,
                "mlflow_experiment_id": experiment,
                "mlflow_run_url": _tracking.run_url(experiment, run.info.run_id),
                "history": _tracking.history_points(done.history.epochs), "best_epoch": done.history.best_epoch,
                "snapshot_id": snapshot_id, "modality": c.modality, "method": method, "labels": classes,
                "files": len(y), "train_files": done.n_train, "val_files": done.n_val,
                "metrics": {"accuracy": m["accuracy"], "f1_macro": m["f1_macro"],
                            "per_class_f1": {k: v["f1"] for k, v in m["per_class"].items()}},
                "confusion_matrix": m["confusion_matrix"]}
