"""End to end: scikit-learn's digits uploaded as images, labelled, streamed into PyTorch; > 90% on held-out data."""

from __future__ import annotations

import io
from typing import Any

import groundwork
import numpy as np
import pytest
from PIL import Image

torch = pytest.importorskip("torch")
datasets = pytest.importorskip("sklearn.datasets")

from groundwork.streaming.torch import DataLoader  # noqa: E402


def png(pixels: np.ndarray[Any, Any]) -> bytes:
    out = io.BytesIO()
    Image.fromarray((pixels * 15).astype(np.uint8), mode="L").save(out, "PNG")
    return out.getvalue()


def sample(item: dict[str, Any]) -> tuple[Any, int]:
    """Item -> (1x8x8 float tensor, digit) — the label comes from the streamed tag annotation."""
    image = torch.from_numpy(item["image"][:, :, 0].astype(np.float32) / 255.0).unsqueeze(0)
    return image, int(item["tags"]["labels"][0])


def test_a_model_trained_on_streamed_digits_generalises(sdk: groundwork.Client) -> None:
    digits = datasets.load_digits()
    project = sdk.project(sdk.projects.create("Digits").id)
    schema = project.schemas.create("digits", [
        {"name": str(d), "color": f"#{d:02d}{d:02d}{d:02d}", "annotation_types": ["tag"]} for d in range(10)])
    order = np.random.default_rng(0).permutation(len(digits.images))
    split = {"train": order[:1400], "val": order[1400:]}
    for name, indices in split.items():
        dataset = project.datasets.create(name)
        uploaded = project.files.upload([(f"{name}-{i}.png", png(digits.images[i])) for i in indices],
                                        dataset_id=dataset.id, batch_size=200, concurrency=2)
        tags = {u.file.id: [{"type": "tag", "label": str(digits.target[i])}] for u, i in zip(uploaded, indices,
                                                                                            strict=True)}
        project.annotations.bulk(tags, schema_id=schema.id)

    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Conv2d(1, 16, 3, padding=1), torch.nn.ReLU(), torch.nn.Flatten(),
                                torch.nn.Linear(16 * 64, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10))
    optimiser = torch.optim.Adam(model.parameters(), lr=3e-3)
    train = project.dataset("train").to_pytorch(shuffle=True, seed=0, transform=sample)
    loader = DataLoader(train, batch_size=64, num_workers=2)
    for epoch in range(8):
        train.set_epoch(epoch)
        for images, labels in loader:
            optimiser.zero_grad()
            torch.nn.functional.cross_entropy(model(images), labels).backward()
            optimiser.step()

    val = project.dataset("val")
    assert len(val) == len(digits.images) - 1400
    correct = 0
    with torch.no_grad():
        for images, labels in DataLoader(val.to_pytorch(shuffle=False, transform=sample), batch_size=128):
            correct += int((model(images).argmax(1) == labels).sum())
    assert correct / len(val) > 0.9, correct / len(val)
