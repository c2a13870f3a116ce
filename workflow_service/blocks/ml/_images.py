"""Images for the ML blocks: decoded arrays to model inputs, and a pretrained image encoder from a local directory."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from workflow_service.blocks.ml._runtime import cached, need, pick_device

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import torch


def pil_images(arrays: Sequence[Any]) -> list[Any]:
    """HxWxC uint8 arrays (as the SDK decodes them) → RGB PIL images."""
    from PIL import Image

    return [Image.fromarray(a).convert("RGB") for a in arrays]


def resized(arrays: Sequence[Any], size: int) -> torch.Tensor:
    """A float batch (N, 3, size, size) in [0, 1]: every image squashed to a square (small CNNs)."""
    import numpy as np
    import torch
    from PIL import Image

    out = np.stack([np.asarray(img.resize((size, size), Image.Resampling.BILINEAR), np.float32) / 255.0
                    for img in pil_images(arrays)])
    return torch.from_numpy(out).permute(0, 3, 1, 2).contiguous()


class ImageEncoder:
    """A pretrained vision model (CLIP, SigLIP, ViT, ...) from a local directory: one feature vector per image."""

    def __init__(self, path: str, device: str) -> None:
        need("torch", "transformers")
        from transformers import AutoImageProcessor, AutoModel

        self.path, self.device = path, device
        self.processor = AutoImageProcessor.from_pretrained(path)  # type: ignore[no-untyped-call]
        self.model = AutoModel.from_pretrained(path).to(device).eval()

    @classmethod
    def load(cls, path: str, device: str = "auto") -> ImageEncoder:
        """The encoder for ``path``, loaded once per process."""
        chosen = pick_device(device)
        return cached(("image-encoder", path, chosen), lambda: cls(path, chosen))

    def features(self, arrays: Sequence[Any]) -> torch.Tensor:
        """L2-normalised features of a batch of images."""
        import torch

        pixels = self.processor(images=pil_images(arrays), return_tensors="pt")["pixel_values"].to(self.device)
        with torch.inference_mode(), torch.autocast("cuda", dtype=torch.float16,
                                                    enabled=self.device.startswith("cuda")):
            if hasattr(self.model, "get_image_features"):  # contrastive models: the projected embedding
                out = self.model.get_image_features(pixel_values=pixels)
            else:
                out = self.model(pixel_values=pixels)
            feats = getattr(out, "pooler_output", None) if not isinstance(out, torch.Tensor) else out
            if feats is None:
                feats = out.last_hidden_state.mean(dim=1)
        return torch.nn.functional.normalize(feats.float(), dim=-1)

    def encode(self, arrays: Sequence[Any], batch_size: int = 32) -> npt.NDArray[np.float32]:
        """Features of every image (rows in order)."""
        import numpy as np

        parts = [self.features(arrays[i:i + batch_size]).cpu().numpy() for i in range(0, len(arrays), batch_size)]
        return np.concatenate(parts).astype(np.float32) if parts else np.zeros((0, 0), np.float32)
