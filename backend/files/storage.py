"""Media storage behind one interface; the local-directory implementation."""

from __future__ import annotations

from pathlib import Path


class LocalStorage:
    """Objects as files under a root directory (being built)."""

    def __init__(self, root: Path) -> None:
        self.root = root
