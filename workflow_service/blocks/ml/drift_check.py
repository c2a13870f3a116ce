"""``drift_check``: is the embedding distribution of new files different from a reference slice?

After Scanflow's drift checker: both samples are embedded (texts with the sentence encoder, images with a
vision model from ``encoder_dir`` or, without one, small colour thumbnails), compared with the maximum
mean discrepancy (RBF kernel), and a permutation test gives the p-value. ``drift`` is ``p_value <
alpha``; ``anomalous`` lists the new files that look least like the reference (highest witness score).
Arguments: the new files, then optionally the reference files; or set ``query`` / ``reference_*``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from groundwork.workflows.spec import Port
from pydantic import BaseModel, ConfigDict, Field, model_validator

from workflow_service.blocks.base import Block, Outputs, StepContext
from workflow_service.blocks.ml import _data as data
from workflow_service.blocks.ml._common import DEVICE
from workflow_service.blocks.ml._runtime import need, pick_device


class SliceConfig(BaseModel):
    """Where the reference comes from (one of them), unless it is the block's second argument."""

    reference_query: str | None = Field(default=None, description="the reference files (the query language)")
    reference_dataset: str | None = Field(default=None, description="the files of this dataset")
    reference_snapshot_id: int | None = Field(default=None, ge=1, description="exactly the files of a snapshot "
                                                                               "(e.g. what a model was trained on)")
    query: str | None = Field(default=None, description="the new files (default: the first argument)")

    def reference_given(self) -> bool:
        """Whether the config names a reference."""
        return any(v is not None for v in (self.reference_query, self.reference_dataset, self.reference_snapshot_id))


class DriftCheckConfig(SliceConfig):
    model_config = ConfigDict(extra="forbid")
    modality: Literal["text", "image"] = "text"
    encoder_dir: str | None = Field(default=None, description="text: default the packaged MiniLM; image: a vision "
                                                               "model (default: colour thumbnails)")
    permutations: int = Field(default=500, ge=20, le=20_000)
    alpha: float = Field(default=0.05, gt=0, lt=1, description="drift when the p-value is below this")
    top_k: int = Field(default=10, ge=0, le=10_000, description="how many anomalous new files to list")
    max_files: int = Field(default=1000, ge=2, le=20_000, description="each side is subsampled to this many")
    seed: int = 0
    batch_size: int = Field(default=64, ge=1, le=4096)
    device: str = DEVICE

    @model_validator(mode="after")
    def _one_reference(self) -> DriftCheckConfig:
        given = [v for v in (self.reference_query, self.reference_dataset, self.reference_snapshot_id) if v is not None]
        if len(given) > 1:
            raise ValueError("name the reference once: reference_query, reference_dataset or reference_snapshot_id")
        return self


def read_sides(ctx: StepContext, config: SliceConfig, args: Sequence[Any], kind: Literal["text", "image"]
               ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(current items, reference items): from the arguments, or the queries, datasets and snapshots configured."""
    if config.query is not None:
        current = data.read_slice(ctx, query=config.query, kind=kind, keep=False).items
    else:
        current = data.read_files(ctx, data.input_files(args[:1]))
    if config.reference_given():
        reference = data.read_slice(ctx, query=config.reference_query or "", dataset=config.reference_dataset,
                                    snapshot_id=config.reference_snapshot_id, kind=kind, keep=False).items
    elif len(args) > 1:
        reference = data.read_files(ctx, data.input_files(args[1:]))
    else:
        raise ValueError("no reference: pass the reference files as the second argument, or set reference_query, "
                         "reference_dataset or reference_snapshot_id")
    return [i for i in current if i["kind"] == kind], [i for i in reference if i["kind"] == kind]


class DriftCheck(Block[DriftCheckConfig]):
    """Outputs ``report`` (score, p_value, drift, ...) and ``anomalous`` (the new files least like the reference)."""

    slug = "drift_check"
    title = "Drift check"
    description = "Compare the embedding distribution of new files with a reference slice (MMD, permutation test)."
    version = "1"
    Config = DriftCheckConfig
    inputs = (Port("files", "files", many=True),)
    outputs = (Port("report", "report"), Port("anomalous", "files"))
    queue = "gpu"

    def run(self, ctx: StepContext, *args: Any) -> Outputs:
        need("torch", "transformers")
        import numpy as np

        from workflow_service.blocks.ml._mmd import mmd_test

        c = self.config
        current, reference = read_sides(ctx, c, args, c.modality)
        rng = np.random.default_rng(c.seed)
        current, reference = (_sample(side, c.max_files, rng) for side in (current, reference))
        device = pick_device(c.device)
        embed = self._embedder(device)
        result = mmd_test(embed(current), embed(reference), permutations=c.permutations, seed=c.seed, device=device)
        ids = [int(i["file_id"]) for i in current]
        order = sorted(range(len(ids)), key=lambda k: -result.witness[k])[:c.top_k]
        drift = result.p_value < c.alpha
        report = {"score": round(result.mmd2, 6), "p_value": round(result.p_value, 6), "drift": drift,
                  "alpha": c.alpha, "n_current": len(current), "n_reference": len(reference),
                  "bandwidth": round(result.bandwidth, 6), "permutations": result.permutations,
                  "anomalous_scores": {str(ids[k]): round(float(result.witness[k]), 6) for k in order}}
        ctx.log(f"MMD² {result.mmd2:.5f}, p = {result.p_value:.4f} over {len(current)} new vs {len(reference)} "
                f"reference file(s): {'DRIFT' if drift else 'no drift'} at alpha {c.alpha}")
        return Outputs({"report": report, "anomalous": [ids[k] for k in order]})

    def _embedder(self, device: str) -> Any:
        c = self.config
        if c.modality == "text":
            from workflow_service.blocks.ml._runtime import minilm_dir
            from workflow_service.blocks.ml._text import TextEncoder

            encoder = TextEncoder.load(c.encoder_dir or minilm_dir(), device)
            return lambda items: encoder.encode([str(i.get("text") or "") for i in items], c.batch_size)
        if c.encoder_dir:
            from workflow_service.blocks.ml._images import ImageEncoder

            vision = ImageEncoder.load(c.encoder_dir, device)
            return lambda items: vision.encode([i["image"] for i in items], c.batch_size)
        return lambda items: _thumbnails([i["image"] for i in items])


def _sample(items: list[dict[str, Any]], limit: int, rng: Any) -> list[dict[str, Any]]:
    if len(items) <= limit:
        return items
    keep = sorted(rng.choice(len(items), size=limit, replace=False).tolist())
    return [items[k] for k in keep]


def _thumbnails(images: Sequence[Any]) -> Any:
    """Without a vision model: 8x8 colour thumbnails as vectors (brightness, colour and layout drift)."""
    import numpy as np

    from workflow_service.blocks.ml._images import resized

    if not images:
        return np.zeros((0, 192), np.float32)
    return resized(images, 8).flatten(1).numpy().astype(np.float32)
