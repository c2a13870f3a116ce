"""The networks ``train`` fits (imported only when a block runs: this module needs torch)."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from workflow_service.blocks.ml._text import pool


class LinearHead(nn.Module):
    """A linear classifier on fixed features (frozen text embeddings, or image features: a linear probe)."""

    def __init__(self, dim: int, classes: int, dropout: float = 0.1) -> None:
        super().__init__()
        self.net = nn.Sequential(nn.Dropout(dropout), nn.Linear(dim, classes))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)  # type: ignore[no-any-return]


class SmallCNN(nn.Module):
    """Three conv blocks and a linear layer: enough for a first image classifier from a few hundred images."""

    def __init__(self, classes: int, width: int = 32) -> None:
        super().__init__()
        blocks: list[nn.Module] = []
        channels = 3
        for out in (width, width * 2, width * 4):
            blocks += [nn.Conv2d(channels, out, 3, padding=1), nn.BatchNorm2d(out), nn.ReLU(inplace=True),
                       nn.MaxPool2d(2)]
            channels = out
        self.features = nn.Sequential(*blocks, nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.classify = nn.Sequential(nn.Dropout(0.2), nn.Linear(channels, classes))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classify(self.features(x))  # type: ignore[no-any-return]


class EncoderClassifier(nn.Module):
    """A transformer text encoder with a linear head on its mean-pooled states, fine-tuned end to end."""

    def __init__(self, encoder: Any, classes: int) -> None:
        super().__init__()
        self.encoder = encoder
        self.head = nn.Linear(int(encoder.config.hidden_size), classes)

    def param_groups(self, lr: float) -> list[dict[str, Any]]:
        """The pretrained encoder moves slowly; the new head learns at a higher rate."""
        return [{"params": list(self.encoder.parameters()), "lr": lr},
                {"params": list(self.head.parameters()), "lr": lr * 30}]

    def forward(self, enc: dict[str, torch.Tensor]) -> torch.Tensor:
        states = self.encoder(**enc).last_hidden_state
        return self.head(pool(states, enc["attention_mask"]))  # type: ignore[no-any-return]
