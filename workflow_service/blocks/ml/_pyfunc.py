"""MLflow's pyfunc flavour of a Groundwork classifier: ``mlflow.pyfunc.load_model("models:/NAME/VERSION")``.

``predict`` takes a DataFrame with a ``text`` column (texts) or an ``image`` column (encoded image
bytes or decoded arrays) and answers one row per input: ``label``, ``score`` and a probability per label.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
from mlflow.pyfunc.model import PythonModel

from workflow_service.blocks.ml._bundle import Classifier, find


class PyfuncClassifier(PythonModel):
    """Loads the bundle logged with the model and classifies with it."""

    def load_context(self, context: Any) -> None:
        """Open the bundle (on the GPU when there is one)."""
        from pathlib import Path

        self.classifier = Classifier(find(Path(context.artifacts["bundle"])))

    # model_input stays unannotated: MLflow reads the hint to validate inputs, and a DataFrame is no list[...]
    def predict(self, context, model_input, params=None):  # type: ignore[no-untyped-def]
        """Labels, scores and per-label probabilities for a DataFrame of texts or images."""
        import pandas as pd

        frame = model_input if isinstance(model_input, pd.DataFrame) else pd.DataFrame({
            "text" if self.classifier.modality == "text" else "image": list(model_input)})
        column = "text" if self.classifier.modality == "text" else "image"
        values = [_image(v) for v in frame[column]] if column == "image" else [str(v) for v in frame[column]]
        probs = self.classifier.predict_proba(values)
        best = probs.argmax(1)
        out = pd.DataFrame(probs, columns=self.classifier.labels)
        out.insert(0, "score", probs[np.arange(len(best)), best])
        out.insert(0, "label", [self.classifier.labels[b] for b in best])
        return out


def _image(value: Any) -> Any:
    if isinstance(value, bytes | bytearray):
        from PIL import Image

        return np.asarray(Image.open(io.BytesIO(value)).convert("RGB"))
    return np.asarray(value)
