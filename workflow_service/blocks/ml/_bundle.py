"""A trained classifier on disk: ``groundwork_model.json`` (what it is) plus its weights.

``train`` saves one and logs it to MLflow (inside the registered model's artifacts); ``predict`` and
``active_learning`` load it back. The same directory serves MLflow's pyfunc flavour (``_pyfunc``), so a
data scientist can ``mlflow.pyfunc.load_model("models:/NAME/VERSION")`` and call ``predict``.

Methods: text ``head`` (a linear layer on frozen sentence embeddings; the encoder is the packaged
MiniLM or a named directory, not copied) and ``finetune`` (the encoder's tuned weights are saved
here); image ``cnn`` (a small CNN, saved whole) and ``linear_probe`` (a linear layer on a pretrained
vision model's features, named by directory).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workflow_service.blocks.ml._runtime import PACKAGED_MINILM, minilm_dir, need, pick_device

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import torch

SPEC_FILE = "groundwork_model.json"
WEIGHTS_FILE = "weights.pt"
ENCODER_DIR = "encoder"
FORMAT = 1


def encoder_ref(path: str | None) -> str:
    """How a bundle names its frozen encoder: the packaged MiniLM, or a directory."""
    return f"packaged:{PACKAGED_MINILM}" if path is None else str(Path(path).resolve())


def _encoder_path(ref: str) -> str:
    return minilm_dir() if ref == f"packaged:{PACKAGED_MINILM}" else ref


def save(path: Path, spec: dict[str, Any], module: torch.nn.Module, *, encoder: Any = None,
         tokenizer: Any = None) -> Path:
    """Write a bundle: the spec, the module's weights, and (fine-tuning) the tuned encoder and its tokenizer."""
    import torch

    path.mkdir(parents=True, exist_ok=True)
    state = {k: v for k, v in module.state_dict().items() if not k.startswith("encoder.")}
    torch.save(state, path / WEIGHTS_FILE)
    if encoder is not None:
        encoder.save_pretrained(path / ENCODER_DIR)
        tokenizer.save_pretrained(path / ENCODER_DIR)
    (path / SPEC_FILE).write_text(json.dumps({"format": FORMAT, **spec}, indent=2))
    return path


def find(root: Path) -> Path:
    """The bundle directory inside a downloaded MLflow model (or ``root`` itself)."""
    for candidate in (root, root / "artifacts" / "bundle", *root.rglob(SPEC_FILE)):
        candidate = candidate.parent if candidate.name == SPEC_FILE else candidate
        if (candidate / SPEC_FILE).is_file():
            return candidate
    raise FileNotFoundError(f"no {SPEC_FILE} under {root}: not a model trained by Groundwork")


class Classifier:
    """A loaded bundle: ``predict_proba`` gives one probability per label for each text or image."""

    def __init__(self, path: Path, device: str = "auto") -> None:
        need("torch", "transformers")
        import torch

        self.path, self.device = path, pick_device(device)
        self.spec: dict[str, Any] = json.loads((path / SPEC_FILE).read_text())
        self.labels: list[str] = list(self.spec["labels"])
        self.modality: str = self.spec["modality"]
        self.method: str = self.spec["method"]
        state = torch.load(path / WEIGHTS_FILE, map_location=self.device, weights_only=True)
        self.module = self._build().to(self.device).eval()
        self.module.load_state_dict(state, strict=self.method != "finetune")

    def _build(self) -> torch.nn.Module:
        from workflow_service.blocks.ml import _nets

        k = len(self.labels)
        if self.method == "cnn":
            return _nets.SmallCNN(k, int(self.spec["width"]))
        if self.method == "finetune":
            from transformers import AutoModel, AutoTokenizer

            enc_dir = self.path / ENCODER_DIR
            self.tokenizer = AutoTokenizer.from_pretrained(enc_dir)
            return _nets.EncoderClassifier(AutoModel.from_pretrained(enc_dir), k)
        if self.modality == "text":
            from workflow_service.blocks.ml._text import TextEncoder

            self.text_encoder = TextEncoder.load(_encoder_path(self.spec["encoder"]), self.device,
                                                 int(self.spec["max_length"]))
        else:
            from workflow_service.blocks.ml._images import ImageEncoder

            self.image_encoder = ImageEncoder.load(_encoder_path(self.spec["encoder"]), self.device)
        return _nets.LinearHead(int(self.spec["dim"]), k)

    def inputs(self, batch: Sequence[Any]) -> Any:
        """What the module takes for a batch of texts or decoded images."""
        if self.method == "cnn":
            from workflow_service.blocks.ml._images import resized

            mean, std = (self._stat(k) for k in ("mean", "std"))
            return ((resized(batch, int(self.spec["image_size"])).to(self.device) - mean) / std)
        if self.method == "finetune":
            enc = self.tokenizer(list(batch), padding=True, truncation=True,
                                 max_length=int(self.spec["max_length"]), return_tensors="pt")
            return {k: v.to(self.device) for k, v in enc.items()}
        if self.modality == "text":
            return self.text_encoder.forward(self.text_encoder.tokenize(batch))
        return self.image_encoder.features(batch)

    def _stat(self, key: str) -> torch.Tensor:
        import torch

        return torch.tensor(self.spec[key], dtype=torch.float32, device=self.device).view(1, 3, 1, 1)

    def predict_proba(self, batch: Sequence[Any], batch_size: int = 64) -> npt.NDArray[np.float32]:
        """Probabilities (rows sum to 1), one row per input, computed ``batch_size`` at a time."""
        import numpy as np
        import torch

        rows = []
        for i in range(0, len(batch), batch_size):
            with torch.inference_mode():
                rows.append(self.module(self.inputs(batch[i:i + batch_size])).float().softmax(-1).cpu().numpy())
        return np.concatenate(rows).astype(np.float32) if rows else np.zeros((0, len(self.labels)), np.float32)
