"""What a backend needs to open a bucket: plain values, credentials already decrypted."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class StoreConfig:
    """A connection's settings as a backend sees them (``credentials`` hold secrets: never log this)."""

    bucket: str
    endpoint_url: str | None = None
    region: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    credentials: dict[str, Any] | None = field(default=None, repr=False)
    timeout_s: float = 30.0
