"""Zero-shot vision models from a local directory: CLIP-style classification and OWL-ViT / OWLv2 detection.

Both load with transformers' Auto classes (``AutoProcessor`` + ``AutoModelForZeroShotImageClassification``
or ``AutoModelForZeroShotObjectDetection``), so any compatible checkpoint works (CLIP, SigLIP, OWL-ViT,
OWLv2). On a GPU the forward pass runs in float16 (autocast).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import torch

from workflow_service.blocks.ml._images import pil_images
from workflow_service.blocks.ml._runtime import cached


@dataclass(frozen=True)
class Box:
    """A detection in image pixels: top-left corner, size, label index, score."""

    x: float
    y: float
    w: float
    h: float
    label: int
    score: float


class VisionZeroShot:
    """A processor and a zero-shot model on one device (loaded once per process)."""

    def __init__(self, path: str, device: str, task: str) -> None:
        from transformers import (
            AutoModelForZeroShotImageClassification,
            AutoModelForZeroShotObjectDetection,
            AutoProcessor,
        )

        auto = AutoModelForZeroShotObjectDetection if task == "detect" else AutoModelForZeroShotImageClassification
        self.device, self.task = device, task
        self.processor = AutoProcessor.from_pretrained(path)  # type: ignore[no-untyped-call]
        self.model = auto.from_pretrained(path).to(device).eval()
        # OWLv2 pads images to a square before predicting: its boxes are relative to that square
        self.square = self.model.config.model_type == "owlv2"

    @classmethod
    def load(cls, path: str, device: str, task: str) -> VisionZeroShot:
        """The model for ``path`` on ``device``, cached per process."""
        return cached(("vision", path, device, task), lambda: cls(path, device, task))

    def _forward(self, **inputs: Any) -> Any:
        moved = {k: v.to(self.device) if hasattr(v, "to") else v for k, v in inputs.items()}
        with torch.inference_mode(), torch.autocast("cuda", dtype=torch.float16,
                                                    enabled=self.device.startswith("cuda")):
            return self.model(**moved)

    def classify(self, images: Sequence[Any], prompts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Probabilities of each prompt for each image (softmax over the prompts)."""
        inputs = self.processor(text=list(prompts), images=pil_images(images), return_tensors="pt", padding=True)
        logits = self._forward(**inputs).logits_per_image.float()
        return logits.softmax(dim=-1).cpu().numpy().astype(np.float32)  # type: ignore[no-any-return]

    def detect(self, images: Sequence[Any], prompts: Sequence[str], threshold: float, iou: float,
               max_boxes: int) -> list[list[Box]]:
        """Boxes per image: scored above ``threshold``, overlaps of one label suppressed, the best ``max_boxes``."""
        pils = pil_images(images)
        inputs = self.processor(text=[list(prompts)] * len(pils), images=pils, return_tensors="pt", padding=True)
        outputs = self._forward(**inputs)
        sizes = [(max(p.height, p.width),) * 2 if self.square else (p.height, p.width) for p in pils]
        found = self.processor.post_process_grounded_object_detection(outputs, threshold=threshold,
                                                                      target_sizes=sizes)
        return [_boxes(r, p.width, p.height, iou, max_boxes) for r, p in zip(found, pils, strict=True)]


def _boxes(result: dict[str, Any], width: int, height: int, iou: float, max_boxes: int) -> list[Box]:
    xyxy = result["boxes"].float().cpu()
    xyxy[:, 0::2] = xyxy[:, 0::2].clamp(0, width)
    xyxy[:, 1::2] = xyxy[:, 1::2].clamp(0, height)
    scores, labels = result["scores"].float().cpu(), result["labels"].cpu()
    big = ((xyxy[:, 2] - xyxy[:, 0]) >= 1) & ((xyxy[:, 3] - xyxy[:, 1]) >= 1)
    xyxy, scores, labels = xyxy[big], scores[big], labels[big]
    keep = nms(xyxy, scores, labels, iou)[:max_boxes]
    return [Box(float(xyxy[k, 0]), float(xyxy[k, 1]), float(xyxy[k, 2] - xyxy[k, 0]), float(xyxy[k, 3] - xyxy[k, 1]),
                int(labels[k]), float(scores[k])) for k in keep]


def nms(xyxy: torch.Tensor, scores: torch.Tensor, labels: torch.Tensor, iou: float) -> list[int]:
    """Indices kept by per-label non-maximum suppression, best first (there is no torchvision here)."""
    order = scores.argsort(descending=True).tolist()
    area = (xyxy[:, 2] - xyxy[:, 0]) * (xyxy[:, 3] - xyxy[:, 1])
    kept: list[int] = []
    for i in order:
        overlaps = False
        for j in kept:
            if labels[i] != labels[j]:
                continue
            lt = torch.maximum(xyxy[i, :2], xyxy[j, :2])
            rb = torch.minimum(xyxy[i, 2:], xyxy[j, 2:])
            inter = (rb - lt).clamp(min=0).prod()
            if inter / (area[i] + area[j] - inter + 1e-9) > iou:
                overlaps = True
                break
        if not overlaps:
            kept.append(i)
    return kept
