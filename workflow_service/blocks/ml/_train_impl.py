"""The four ways ``train`` fits a classifier (this module needs torch: imported only when the block runs)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import torch

from workflow_service.blocks.ml import _fit, _nets
from workflow_service.blocks.ml._bundle import encoder_ref
from workflow_service.blocks.ml._runtime import minilm_dir

DEFAULTS = {"head": (50, 0.02), "finetune": (4, 3e-5), "cnn": (30, 1e-3), "linear_probe": (50, 0.02)}  # epochs, lr


@dataclass
class Plan:
    """What to fit and how (the block's config, resolved)."""

    method: str
    labels: list[str]
    encoder_dir: str | None
    epochs: int
    lr: float
    batch_size: int
    val_fraction: float
    seed: int
    max_length: int
    image_size: int
    device: str
    keep_best: bool = False


@dataclass
class Trained:
    """A fitted module with what its bundle needs, and how it did."""

    module: torch.nn.Module
    spec: dict[str, Any]
    history: _fit.History
    metrics: dict[str, Any]
    n_train: int
    n_val: int
    encoder: Any = None
    tokenizer: Any = None


def train(inputs: Sequence[Any], y: list[int], plan: Plan,
          on_epoch: Callable[[int, dict[str, float]], None]) -> Trained:
    """Fit ``plan.method`` on texts or decoded images with class indices ``y``."""
    torch.manual_seed(plan.seed)
    train_idx, val_idx = _fit.split(y, plan.val_fraction, plan.seed)
    build = {"head": _text_head, "finetune": _finetune, "cnn": _cnn, "linear_probe": _linear_probe}[plan.method]
    module, batch, spec, extra = build(inputs, train_idx, plan)
    module.to(plan.device)
    history = _fit.fit(module, batch, y, train_idx, val_idx, epochs=plan.epochs, lr=plan.lr,
                       batch_size=plan.batch_size, device=plan.device, seed=plan.seed, keep_best=plan.keep_best,
                       on_epoch=on_epoch)
    scored = val_idx or train_idx  # too few files for a validation set: say so, and score on training data
    probs = _fit.predict(module, batch, scored, plan.batch_size)
    metrics = _fit.metrics([y[i] for i in scored], probs.argmax(1).tolist(), plan.labels)
    metrics["evaluated_on"] = "validation" if val_idx else "training (too few files for a validation split)"
    spec |= {"method": plan.method, "labels": plan.labels, "max_length": plan.max_length,
             "image_size": plan.image_size}
    return Trained(module, spec, history, metrics, len(train_idx), len(val_idx), *extra)


Built = tuple[torch.nn.Module, _fit.Batch, dict[str, Any], tuple[Any, ...]]


def _text_head(texts: Sequence[Any], _train: list[int], plan: Plan) -> Built:
    from workflow_service.blocks.ml._text import TextEncoder

    encoder = TextEncoder.load(plan.encoder_dir or minilm_dir(), plan.device, plan.max_length)
    x = torch.from_numpy(encoder.encode([str(t) for t in texts], plan.batch_size)).to(plan.device)
    return (_nets.LinearHead(x.shape[1], len(plan.labels)), lambda idx: x[idx],
            {"modality": "text", "encoder": encoder_ref(plan.encoder_dir), "dim": int(x.shape[1])}, ())


def _finetune(texts: Sequence[Any], _train: list[int], plan: Plan) -> Built:
    from transformers import AutoModel, AutoTokenizer

    path = plan.encoder_dir or minilm_dir()
    tokenizer = AutoTokenizer.from_pretrained(path)
    encoder = AutoModel.from_pretrained(path)  # a copy of its own: its weights change
    module = _nets.EncoderClassifier(encoder, len(plan.labels))
    words = [str(t) for t in texts]

    def batch(idx: Sequence[int]) -> dict[str, torch.Tensor]:
        enc = tokenizer([words[i] for i in idx], padding=True, truncation=True, max_length=plan.max_length,
                        return_tensors="pt")
        return {k: v.to(plan.device) for k, v in enc.items()}

    return module, batch, {"modality": "text", "encoder": "bundle"}, (encoder, tokenizer)


def _cnn(images: Sequence[Any], train_idx: list[int], plan: Plan) -> Built:
    from workflow_service.blocks.ml._images import resized

    x = resized(images, plan.image_size).to(plan.device)
    mean = x[train_idx].mean(dim=(0, 2, 3)).view(1, 3, 1, 1)
    std = x[train_idx].std(dim=(0, 2, 3)).clamp(min=1e-3).view(1, 3, 1, 1)
    x = (x - mean) / std
    width = 32
    return (_nets.SmallCNN(len(plan.labels), width), lambda idx: x[idx],
            {"modality": "image", "encoder": None, "width": width, "mean": mean.flatten().tolist(),
             "std": std.flatten().tolist()}, ())


def _linear_probe(images: Sequence[Any], _train: list[int], plan: Plan) -> Built:
    from workflow_service.blocks.ml._images import ImageEncoder

    if not plan.encoder_dir:
        raise ValueError("linear_probe needs encoder_dir: a local vision model (CLIP, SigLIP, ViT, ...)")
    x = torch.from_numpy(ImageEncoder.load(plan.encoder_dir, plan.device).encode(images, plan.batch_size))
    x = x.to(plan.device)
    return (_nets.LinearHead(x.shape[1], len(plan.labels)), lambda idx: x[idx],
            {"modality": "image", "encoder": encoder_ref(plan.encoder_dir), "dim": int(x.shape[1])}, ())
