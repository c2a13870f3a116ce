"""Config fields and output helpers the ML blocks share."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pydantic import Field

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

DEVICE = Field(default="auto", pattern=r"^(auto|cpu|cuda(:\d+)?|mps)$",
               description="auto: the GPU when the worker has one, else the CPU")
SCHEMA = Field(default=None, alias="schema", description="label schema by name (default: the project's first)")
MAX_FILES = 20_000  # file ids in one output list (outputs are at most 256 KiB)
MAX_PROBABILITIES = 20_000  # numbers in a `predictions` output (files x labels): outputs stay under 256 KiB


def predictions_port(labels: Sequence[str], file_ids: Sequence[int], probs: npt.NDArray[np.float32],
                     model_name: str, model_version: str) -> dict[str, Any] | None:
    """Compact per-file probabilities for ``active_learning``; None when there are too many for an output."""
    if len(file_ids) * max(1, len(labels)) > MAX_PROBABILITIES:
        return None
    return {"model_name": model_name, "model_version": model_version, "labels": list(labels),
            "files": {str(f): [round(float(p), 4) for p in row] for f, row in zip(file_ids, probs, strict=True)}}


def split_by_score(file_ids: Sequence[int], scores: Sequence[float], min_score: float) -> tuple[list[int], list[int]]:
    """(confident, unsure) file ids: below ``min_score`` a pre-label goes to people."""
    confident = [f for f, s in zip(file_ids, scores, strict=True) if s >= min_score]
    unsure = [f for f, s in zip(file_ids, scores, strict=True) if s < min_score]
    return confident, unsure


def bounded(ctx: Any, ids: list[int], port: str) -> list[int]:
    """An output list of file ids, cut to ``MAX_FILES`` (with a log line saying so): outputs stay small."""
    if len(ids) <= MAX_FILES:
        return ids
    ctx.log(f"{port}: {len(ids)} files; the output lists the first {MAX_FILES} (select the rest with a query)")
    return ids[:MAX_FILES]
