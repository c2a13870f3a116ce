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
MAX_PREDICTIONS = 2000  # files whose probabilities go into the `predictions` output (it must stay small)


def predictions_port(labels: Sequence[str], file_ids: Sequence[int], probs: npt.NDArray[np.float32],
                     model_name: str, model_version: str) -> dict[str, Any] | None:
    """Compact per-file probabilities for ``active_learning``; None when there are too many files for an output."""
    if len(file_ids) > MAX_PREDICTIONS:
        return None
    return {"model_name": model_name, "model_version": model_version, "labels": list(labels),
            "files": {str(f): [round(float(p), 4) for p in row] for f, row in zip(file_ids, probs, strict=True)}}


def split_by_score(file_ids: Sequence[int], scores: Sequence[float], min_score: float) -> tuple[list[int], list[int]]:
    """(confident, unsure) file ids: below ``min_score`` a pre-label goes to people."""
    confident = [f for f, s in zip(file_ids, scores, strict=True) if s >= min_score]
    unsure = [f for f, s in zip(file_ids, scores, strict=True) if s < min_score]
    return confident, unsure
