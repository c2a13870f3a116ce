"""Zero-shot text classifiers: embedding similarity (default) and NLI entailment (transformers pipeline).

Both return, for each text, a probability per candidate label (rows sum to 1).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from workflow_service.blocks.ml._runtime import cached, need, pick_device
from workflow_service.blocks.ml._text import TextEncoder

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import torch


def label_texts(labels: Sequence[str], template: str) -> list[str]:
    """What is embedded (or hypothesised) per label: the template with the label's name filled in."""
    return [template.replace("{label}", label.replace("_", " ")) for label in labels]


class EmbeddingZeroShot:
    """Cosine similarity between a text and each label's text, as a softmax with a temperature."""

    def __init__(self, encoder: TextEncoder, labels: Sequence[str], template: str, temperature: float) -> None:
        self.encoder, self.temperature = encoder, temperature
        texts = tuple(label_texts(labels, template))
        if texts not in encoder.memo:  # the schema's labels change rarely: embed them once per process
            encoder.memo[texts] = encoder.forward(encoder.tokenize(texts))
        self.label_vectors: torch.Tensor = encoder.memo[texts]

    def probs_of(self, embeddings: torch.Tensor) -> torch.Tensor:
        """Label probabilities for text embeddings (unit vectors)."""
        return ((embeddings @ self.label_vectors.T) / self.temperature).softmax(dim=-1)

    def predict(self, texts: Sequence[str], batch_size: int) -> npt.NDArray[np.float32]:
        """Label probabilities, one row per text."""
        import numpy as np

        rows = [self.probs_of(self.encoder.forward(self.encoder.tokenize(texts[i:i + batch_size]))).cpu().numpy()
                for i in range(0, len(texts), batch_size)]
        return np.concatenate(rows).astype(np.float32) if rows else np.zeros((0, len(self.label_vectors)), np.float32)


class NliZeroShot:
    """"This text is about {label}." scored by an NLI model's entailment (transformers' zero-shot pipeline)."""

    def __init__(self, path: str, device: str, labels: Sequence[str], template: str) -> None:
        need("torch", "transformers")
        chosen = pick_device(device)
        self.labels = list(labels)
        # the pipeline formats the hypothesis with {}: "This text is about {}."
        self.hypothesis = template.replace("{label}", "{}") if "{label}" in template else template + " {}"
        self.pipe: Any = cached(("nli", path, chosen), lambda: _nli_pipeline(path, chosen))

    def predict(self, texts: Sequence[str], batch_size: int) -> npt.NDArray[np.float32]:
        """Label probabilities (softmax of entailment over the labels), one row per text."""
        import numpy as np

        if not texts:
            return np.zeros((0, len(self.labels)), np.float32)
        outputs = self.pipe(list(texts), candidate_labels=[lb.replace("_", " ") for lb in self.labels],
                            hypothesis_template=self.hypothesis, batch_size=batch_size)
        if isinstance(outputs, dict):
            outputs = [outputs]
        order = {name.replace("_", " "): i for i, name in enumerate(self.labels)}
        rows = np.zeros((len(texts), len(self.labels)), np.float32)
        for r, out in enumerate(outputs):
            for name, score in zip(out["labels"], out["scores"], strict=True):
                rows[r, order[name]] = score
        return rows


def _nli_pipeline(path: str, device: str) -> Any:
    from transformers import pipeline

    pipe = pipeline("zero-shot-classification", model=path, tokenizer=path, device=device)
    if not any("entail" in str(v).lower() for v in (pipe.model.config.id2label or {}).values()):
        raise ValueError(f"{path}: not an NLI model (none of its labels {pipe.model.config.id2label} is entailment)")
    return pipe
