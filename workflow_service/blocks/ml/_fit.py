"""Fitting a classifier: a stratified train/validation split, an epoch loop that reports progress, metrics."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import torch


def split(y: Sequence[int], val_fraction: float, seed: int) -> tuple[list[int], list[int]]:
    """Train and validation indices: stratified when every class has at least two examples."""
    from sklearn.model_selection import train_test_split

    idx = list(range(len(y)))
    n_val = round(len(y) * val_fraction)
    if val_fraction <= 0 or n_val < 1 or len(y) - n_val < 1:
        return idx, []
    counts = np.bincount(np.asarray(y))
    stratify = list(y) if counts[counts > 0].min() >= 2 and n_val >= len(counts[counts > 0]) else None
    train, val = train_test_split(idx, test_size=n_val, random_state=seed, stratify=stratify)
    return sorted(train), sorted(val)


@dataclass
class History:
    """Per-epoch metrics and the best epoch (by validation accuracy, then loss)."""

    epochs: list[dict[str, float]] = field(default_factory=list)
    best_epoch: int = 0


Batch = Callable[[Sequence[int]], Any]  # indices -> what the module takes


def fit(module: torch.nn.Module, batch: Batch, y: Sequence[int], train_idx: list[int], val_idx: list[int], *,
        epochs: int, lr: float, batch_size: int, device: str, seed: int, weight_decay: float = 0.01,
        keep_best: bool = False, on_epoch: Callable[[int, dict[str, float]], None] = lambda *_: None) -> History:
    """Train with AdamW and cross-entropy; keep the last epoch's weights, or (``keep_best``) the best epoch's.

    Picking the best epoch on a handful of validation files mostly picks noise (an early, underfit epoch),
    so it is an option for large validation sets, not the default.
    """
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    targets = torch.as_tensor(np.asarray(y), dtype=torch.long, device=device)
    groups = getattr(module, "param_groups", None)
    params = groups(lr) if callable(groups) else [p for p in module.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=lr, weight_decay=weight_decay)
    history, best, best_key = History(), None, (0.0, 0.0)
    for epoch in range(1, epochs + 1):
        module.train()
        order = rng.permutation(train_idx).tolist()
        total = 0.0
        for i in range(0, len(order), batch_size):
            chunk = order[i:i + batch_size]
            loss = torch.nn.functional.cross_entropy(module(batch(chunk)), targets[chunk])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()  # type: ignore[no-untyped-call]
            optimizer.step()
            total += float(loss.detach()) * len(chunk)
        metrics = {"train_loss": total / max(1, len(order))}
        if val_idx:
            probs = predict(module, batch, val_idx, batch_size)
            val_y = targets[val_idx].cpu().numpy()
            metrics["val_loss"] = float(-np.log(probs[np.arange(len(val_idx)), val_y] + 1e-9).mean())
            metrics["val_accuracy"] = float((probs.argmax(1) == val_y).mean())
        history.epochs.append(metrics)
        key = (metrics.get("val_accuracy", 0.0), -metrics.get("val_loss", metrics["train_loss"]))
        if history.best_epoch == 0 or key > best_key:
            best_key, history.best_epoch = key, epoch
            if keep_best:
                best = {k: v.detach().clone() for k, v in module.state_dict().items()}
        on_epoch(epoch, metrics)
    if best is not None:
        module.load_state_dict(best)
    module.eval()
    return history


def predict(module: torch.nn.Module, batch: Batch, idx: Sequence[int], batch_size: int) -> npt.NDArray[np.float32]:
    """Softmax probabilities for the given indices (eval mode, no gradients)."""
    was_training = module.training
    module.eval()
    rows = []
    with torch.inference_mode():
        for i in range(0, len(idx), batch_size):
            rows.append(module(batch(list(idx[i:i + batch_size]))).float().softmax(-1).cpu().numpy())
    module.train(was_training)
    return np.concatenate(rows) if rows else np.zeros((0, 0), np.float32)


def metrics(y_true: Sequence[int], y_pred: Sequence[int], labels: Sequence[str]) -> dict[str, Any]:
    """Accuracy, macro F1, per-class precision/recall/F1/support and the confusion matrix (rows: truth)."""
    from sklearn.metrics import accuracy_score, confusion_matrix, precision_recall_fscore_support

    ks = list(range(len(labels)))
    precision, recall, f1, support = precision_recall_fscore_support(y_true, y_pred, labels=ks, zero_division=0)
    return {
        "accuracy": float(accuracy_score(y_true, y_pred)) if len(y_true) else 0.0,
        "f1_macro": float(np.mean(f1)) if len(f1) else 0.0,
        "per_class": {name: {"precision": float(precision[k]), "recall": float(recall[k]), "f1": float(f1[k]),
                             "support": int(support[k])} for k, name in enumerate(labels)},
        "confusion_matrix": {"labels": list(labels),
                             "matrix": confusion_matrix(y_true, y_pred, labels=ks).tolist()},
    }
