"""Micro-batching: inputs of one block instance gathered up to ``batch_size`` or ``max_batch_delay``."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from workflow_service.messages import StepBatch, StepItem
from workflow_service.plan import Node


@dataclass
class _Buffer:
    node: Node
    version_id: int
    items: list[StepItem] = field(default_factory=list)
    first_at: float = 0.0


class Batcher:
    """Buffers step items per (workflow version, node); ``ready`` hands out the batches that are full or due."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._buffers: dict[tuple[int, str], _Buffer] = {}

    def add(self, version_id: int, node: Node, item: StepItem) -> None:
        """Queue one step's input."""
        buf = self._buffers.get((version_id, node.key))
        if buf is None:
            buf = self._buffers[(version_id, node.key)] = _Buffer(node, version_id, first_at=self.clock())
        buf.items.append(item)

    def ready(self, *, everything: bool = False) -> list[StepBatch]:
        """Batches to send now: full ones, ones whose delay has passed (or all, when shutting down)."""
        now, out = self.clock(), []
        for key, buf in list(self._buffers.items()):
            node = buf.node
            while len(buf.items) >= node.batch_size:
                out.append(self._batch(buf, buf.items[:node.batch_size]))
                buf.items = buf.items[node.batch_size:]
                buf.first_at = now
            if buf.items and (everything or now - buf.first_at >= node.max_batch_delay):
                out.append(self._batch(buf, buf.items))
                buf.items = []
            if not buf.items:
                del self._buffers[key]
        return out

    def next_due(self) -> float | None:
        """Seconds until the earliest partial batch is due (None when nothing waits)."""
        if not self._buffers:
            return None
        now = self.clock()
        return max(0.0, min(b.first_at + b.node.max_batch_delay - now for b in self._buffers.values()))

    def drop_run(self, run_id: int) -> None:
        """Forget a cancelled run's buffered steps."""
        for buf in self._buffers.values():
            buf.items = [i for i in buf.items if i.run_id != run_id]

    @staticmethod
    def _batch(buf: _Buffer, items: list[StepItem]) -> StepBatch:
        n = buf.node
        return StepBatch(version_id=buf.version_id, block=n.block or "", instance=n.instance or "", config=n.config,
                         retries=n.retries, timeout=n.timeout, queue=n.queue, items=items)
