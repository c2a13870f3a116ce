"""The block catalogue: built-in blocks plus plugins found through the entry-point group ``groundwork.blocks``.

Each plugin is loaded on its own; one that fails to import (or is not a Block) is listed with its error
instead of stopping the worker, so the catalogue shows it and definitions cannot use it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any

from groundwork.workflows.spec import BlockSpec, Catalogue

from workflow_service.blocks.base import Block

log = logging.getLogger(__name__)
GROUP = "groundwork.blocks"
BUILTIN = "builtin"


@dataclass
class Registry:
    """Blocks by slug, with where each came from and the plugins that failed."""

    blocks: dict[str, type[Block[Any]]] = field(default_factory=dict)
    origin: dict[str, str] = field(default_factory=dict)
    broken: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (plugin, error)

    def add(self, block: type[Block[Any]], plugin: str) -> None:
        """Register a block class (the first one with a slug wins; a clash is reported as broken)."""
        if block.slug in self.blocks:
            self.broken[f"{plugin}:{block.slug}"] = (plugin, f"slug {block.slug!r} is already taken by "
                                                             f"{self.origin[block.slug]}")
            return
        self.blocks[block.slug] = block
        self.origin[block.slug] = plugin

    def get(self, slug: str) -> type[Block[Any]]:
        """The block class for a slug; KeyError when it is not installed here."""
        return self.blocks[slug]

    def catalogue(self) -> Catalogue:
        """The working blocks as the workflow language sees them (for validation and planning)."""
        return {slug: BlockSpec(slug=slug, config_schema=b.Config.model_json_schema(), inputs=b.inputs,
                                outputs=b.outputs, queue=b.queue) for slug, b in self.blocks.items()}

    def entries(self) -> list[dict[str, Any]]:
        """Catalogue entries for the backend, broken plugins included (with their error)."""
        found = [b.catalogue_entry(self.origin[slug]) for slug, b in sorted(self.blocks.items())]
        for name, (plugin, error) in sorted(self.broken.items()):
            found.append({"slug": name, "title": name, "description": "", "version": "", "plugin": plugin,
                          "config_schema": {}, "inputs": [], "outputs": [], "queue": "cpu", "error": error})
        return found


def load_registry(*, plugins: bool = True) -> Registry:
    """Built-in blocks, then every installed plugin."""
    from workflow_service.blocks.builtin import BUILTIN_BLOCKS

    registry = Registry()
    for block in BUILTIN_BLOCKS:
        registry.add(block, BUILTIN)
    if plugins:
        for ep in entry_points(group=GROUP):
            plugin = ep.dist.name if ep.dist is not None else ep.value
            try:
                loaded = ep.load()
                if not (isinstance(loaded, type) and issubclass(loaded, Block) and getattr(loaded, "slug", None)):
                    raise TypeError(f"{ep.value} is not a Block subclass with a slug")
            except Exception as exc:  # a broken plugin is reported, never fatal
                log.warning("block plugin %s (%s) failed to load: %s", ep.name, plugin, exc)
                registry.broken[ep.name] = (plugin, f"{type(exc).__name__}: {exc}")
                continue
            registry.add(loaded, plugin)
    return registry
