"""A sentence encoder (mean-pooled, L2-normalised token states), e.g. the packaged all-MiniLM-L6-v2.

Texts go through in batches; on a GPU the forward pass runs in float16 (autocast), on the CPU in shards
side by side. The tokenizer pads each batch to its longest text only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from workflow_service.blocks.ml._cpu_shards import run_sharded
from workflow_service.blocks.ml._runtime import cached, need, pick_device

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import torch


class TextEncoder:
    """Tokenizer + encoder on one device; ``encode`` gives one unit vector per text."""

    def __init__(self, path: str, device: str, max_length: int = 256) -> None:
        need("torch", "transformers")
        from transformers import AutoModel, AutoTokenizer

        self.path, self.device, self.max_length = path, device, max_length
        self.memo: dict[tuple[str, ...], torch.Tensor] = {}  # embeddings of fixed texts (labels' prompts)
        self.tokenizer = AutoTokenizer.from_pretrained(path)
        self.model = AutoModel.from_pretrained(path).to(device).eval()

    @classmethod
    def load(cls, path: str, device: str = "auto", max_length: int = 256) -> TextEncoder:
        """The encoder for ``path`` on the chosen device, loaded once per process."""
        chosen = pick_device(device)
        return cached(("text-encoder", path, chosen, max_length), lambda: cls(path, chosen, max_length))

    def tokenize(self, texts: Sequence[str]) -> dict[str, torch.Tensor]:
        """Token ids and attention mask for a batch, on the encoder's device."""
        enc = self.tokenizer(list(texts), padding=True, truncation=True, max_length=self.max_length,
                             return_tensors="pt")
        return {k: v.to(self.device, non_blocking=True) for k, v in enc.items()}

    def forward(self, enc: dict[str, torch.Tensor]) -> torch.Tensor:
        """Mean-pooled, normalised embeddings of a tokenized batch (no gradients); on the CPU in shards side by
        side (``_cpu_shards``)."""
        if self.device == "cpu":
            return run_sharded(self._forward, enc)
        return self._forward(enc)

    def _forward(self, enc: dict[str, torch.Tensor]) -> torch.Tensor:
        import torch

        with torch.inference_mode(), torch.autocast("cuda", dtype=torch.float16,
                                                    enabled=self.device.startswith("cuda")):
            return pool(self.model(**enc).last_hidden_state, enc["attention_mask"])

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> npt.NDArray[np.float32]:
        """Embeddings of ``texts`` (rows in order), computed ``batch_size`` at a time."""
        import numpy as np

        if not texts:
            return np.zeros((0, self.dim), np.float32)
        parts = [self.forward(self.tokenize(texts[i:i + batch_size])).float().cpu().numpy()
                 for i in range(0, len(texts), batch_size)]
        return np.asarray(np.concatenate(parts), dtype=np.float32)

    @property
    def dim(self) -> int:
        """The embedding size."""
        return int(self.model.config.hidden_size)


def pool(states: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean of the token states where the mask is 1, then L2-normalised (sentence-transformers' recipe)."""
    import torch

    weights = mask.unsqueeze(-1).to(states.dtype)
    summed = (states * weights).sum(1)
    mean = summed / weights.sum(1).clamp(min=1e-9)
    return torch.nn.functional.normalize(mean.float(), dim=-1)


def texts_of(items: Sequence[dict[str, Any]]) -> list[str]:
    """The text of each item ('' where a file has none)."""
    return [str(i.get("text") or "") for i in items]
