"""Data-parallel inference on the CPU: a batch cut into shards, each run by its own single-threaded worker.

torch runs one forward pass on all cores by splitting every operation between its threads, which meet at a
barrier after each of the few hundred small operations of a small encoder. Whole shards of the batch on
separate threads meet once, at the end: faster (all-MiniLM-L6-v2, 64 short texts, 2 vCPUs,
``bench/zero_shot.py``: 348-412 items/s against 303-351 for ``model(**batch)`` in the same runs), and a
thread that loses its core for a moment to another process (the API server, the database) delays only its
own shard, not every operation of the pass. OpenVINO's "throughput streams" and
ONNX Runtime's inter-op threads do the same for the same reason.

The shard workers run with one intra-op thread each. torch's thread count is per thread once a thread has
used it, but setting it also changes the default that threads take on first use: the pool restores that
default once its workers are set up.
"""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import torch

MIN_SHARD = 8  # fewer rows per shard cost more in per-operation overhead than the parallelism gains

_pool: ThreadPoolExecutor | None = None
_workers = 0
_lock = threading.Lock()
_on_worker = threading.local()  # .flag: this thread is a shard worker


def _forget_pool() -> None:
    """In a forked child (a prefork worker): the parent's workers are not there; make new ones on first use."""
    global _pool, _workers, _lock
    _pool, _workers, _lock = None, 0, threading.Lock()
    _on_worker.flag = False  # the thread that forked is the child's only one, not a worker there


os.register_at_fork(after_in_child=_forget_pool)


def _shard_pool() -> tuple[ThreadPoolExecutor | None, int]:
    """The process's shard workers (one per torch thread), made on first use; none where torch has one thread."""
    global _pool, _workers
    with _lock:
        if _pool is not None or _workers == 1:
            return _pool, _workers
        import torch

        n = torch.get_num_threads()  # also fixes this thread's own count before the workers change the default
        if n < 2:
            _workers = 1
            return None, 1
        pool = _single_threaded_workers(torch, n)
        _pool, _workers = pool, (n if pool is not None else 1)
        return _pool, _workers


def _single_threaded_workers(torch: Any, n: int) -> ThreadPoolExecutor | None:
    """``n`` workers with one intra-op thread each, or None where torch cannot be told so per thread (a build
    without OpenMP only warns on ``set_num_threads``)."""
    counts: list[int] = []

    def single_threaded() -> None:
        _on_worker.flag = True
        torch.get_num_threads()  # take the default first, so it is not applied again on first use
        torch.set_num_threads(1)
        counts.append(torch.get_num_threads())

    pool = ThreadPoolExecutor(max_workers=n, thread_name_prefix="cpu-shard", initializer=single_threaded)
    try:
        # all n workers exist and are set up. Meanwhile the default is 1, and a thread that uses torch for the
        # first time in this moment keeps 1 (the window is once per process, at its first sharded batch)
        started = threading.Barrier(n, timeout=60)
        list(pool.map(lambda _: started.wait(), range(n)))
    finally:
        torch.set_num_threads(n)  # give every other thread its default back
    if counts != [1] * n:
        pool.shutdown(wait=False)
        return None
    return pool


def run_sharded(fn: Callable[[dict[str, torch.Tensor]], torch.Tensor], batch: dict[str, torch.Tensor]
                ) -> torch.Tensor:
    """``fn`` over a batch of rows (tensors of equal first dimension), on shards side by side where that pays;
    the results, concatenated in row order. ``fn`` runs on other threads: it sets its own inference mode.
    Called from a shard (``fn`` sharding again) it runs whole: a worker waiting on its own pool could wait forever."""
    import torch

    if getattr(_on_worker, "flag", False):
        return fn(batch)
    rows = len(next(iter(batch.values())))
    pool, workers = _shard_pool()
    shards = min(workers, rows // MIN_SHARD)
    if pool is None or shards < 2:
        return fn(batch)
    bounds = [rows * i // shards for i in range(shards + 1)]
    futures = [pool.submit(fn, {name: t[a:b] for name, t in batch.items()}) for a, b in itertools.pairwise(bounds)]
    return torch.cat([f.result() for f in futures])
