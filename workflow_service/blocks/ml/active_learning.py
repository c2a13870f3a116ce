"""``active_learning``: choose the K files a model is least sure about, for people to label next.

Scores come from the input (the ``predictions`` output of ``predict`` or ``zero_shot_text``), or the
block runs a registered model itself over the input files or a ``query`` (the unlabelled pool, say).
Strategies: ``least_confidence`` (1 - the top probability), ``margin`` (the top two are close) and
``entropy`` (the whole distribution is flat). The output ``files`` feeds ``human_task``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

from groundwork.workflows.spec import Port
from pydantic import Field

from workflow_service.blocks.base import Block, Outputs, StepContext
from workflow_service.blocks.ml import _data as data
from workflow_service.blocks.ml.predict import ModelChoice, load_classifier, model_ref

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

Strategy = Literal["least_confidence", "margin", "entropy"]


class ActiveLearningConfig(ModelChoice):
    strategy: Strategy = "least_confidence"
    k: int = Field(default=20, ge=1, le=100_000, description="how many files to choose")
    query: str | None = Field(default=None, description="score these files with the model instead of the input's")
    skip_human: bool = Field(default=True, description="never choose files that already have a human tag")


def informativeness(probs: npt.NDArray[np.float32], strategy: Strategy) -> npt.NDArray[np.float64]:
    """How informative each row's label would be: higher = the model is less sure."""
    import numpy as np

    p = np.asarray(probs, dtype=np.float64)
    if p.ndim != 2 or p.shape[1] == 0:
        return np.zeros(len(p))
    top = np.sort(p, axis=1)[:, ::-1]
    if strategy == "least_confidence":
        return 1.0 - top[:, 0]
    if strategy == "margin":
        second = top[:, 1] if p.shape[1] > 1 else np.zeros(len(p))
        return 1.0 - (top[:, 0] - second)
    return np.asarray(-(p * np.log(np.clip(p, 1e-12, 1.0))).sum(axis=1), dtype=np.float64)


def choose(file_ids: Sequence[int], probs: npt.NDArray[np.float32], strategy: Strategy, k: int
           ) -> list[tuple[int, float]]:
    """The ``k`` most informative (file, score) pairs, most informative first (ties: lower file id first)."""
    scores = informativeness(probs, strategy)
    order = sorted(range(len(file_ids)), key=lambda i: (-scores[i], file_ids[i]))
    return [(int(file_ids[i]), round(float(scores[i]), 6)) for i in order[:k]]


class ActiveLearning(Block[ActiveLearningConfig]):
    """Outputs ``files`` (the K chosen, most informative first) and ``scores`` (file id → informativeness)."""

    slug = "active_learning"
    title = "Active learning"
    description = "Choose the K files a model is least sure about (least confidence, margin, entropy) for labelling."
    version = "1"
    Config = ActiveLearningConfig
    inputs = (Port("input", "any", many=True),)
    outputs = (Port("files", "files"), Port("scores", "any"))
    queue = "gpu"

    def run(self, ctx: StepContext, *args: Any) -> Outputs:
        import numpy as np

        given = [a for a in args if isinstance(a, dict) and isinstance(a.get("files"), dict) and "labels" in a]
        if given and self.config.query is None:
            ids = [int(f) for p in given for f in p["files"]]
            probs = np.array([row for p in given for row in p["files"].values()], np.float32)
            source = f"predictions of {given[0].get('model_name')} v{given[0].get('model_version')}"
        else:
            ids, probs, source = self._score(ctx, args)
        picked = choose(ids, probs, self.config.strategy, self.config.k)
        ctx.log(f"{len(picked)} of {len(ids)} file(s) chosen by {self.config.strategy} from {source}")
        return Outputs({"files": [f for f, _ in picked], "scores": {str(f): s for f, s in picked}})

    def _score(self, ctx: StepContext, args: Sequence[Any]) -> tuple[list[int], Any, str]:
        if not (self.config.registered_model or model_ref(args)):
            raise ValueError("no predictions in the input: pass predict's `predictions`, or name a model "
                             "(registered_model, or a train step's output) to score the files with")
        import numpy as np

        classifier, name, version = load_classifier(self.config, args)
        found = data.schema(ctx, None)
        kind: Literal["text", "image"] = "text" if classifier.modality == "text" else "image"
        chunks = (data.iter_slice(ctx, query=self.config.query, kind=kind) if self.config.query is not None
                  else iter([data.read_files(ctx, data.input_files(args))]))
        ids: list[int] = []
        parts = []
        for items in chunks:  # only the scores are kept: a large pool never sits in memory at once
            pool = [i for i in items if i["kind"] == classifier.modality
                    and not (self.config.skip_human and data.tag_label(i, found.id) is not None)]
            values = [(i.get("text") or "") if classifier.modality == "text" else i.get("image") for i in pool]
            ids += [int(i["file_id"]) for i in pool]
            parts.append(classifier.predict_proba(values, self.config.batch_size))
        probs = np.concatenate(parts) if parts else np.zeros((0, len(classifier.labels)), np.float32)
        return ids, probs, f"{name} v{version}"
