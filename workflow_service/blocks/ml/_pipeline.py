"""Overlap a block's API reads and writes with its model work.

A micro-batch is cut into parts; while the model works on part k, part k+1 is read and part k-1 is
written on I/O threads. A GPU worker waiting on the API leaves its accelerator idle, so a block that
reads, computes and writes in turn is slower than its model by the whole round trip; pipelined, only
the first read and the last write are on the critical path.
Every write has finished (or raised) before ``run`` returns: a step is acknowledged only after its
annotations are stored, and a retried step rewrites the same ones (the writes replace).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

P = TypeVar("P")  # a part: what is read
R = TypeVar("R")  # what was read
C = TypeVar("C")  # what the model made of it (what is written)

MIN_PART = 16  # fewer items per forward pass cost the model more than the overlap saves
IO_THREADS = 2  # one read ahead and one write behind


def parts_of(ids: Sequence[int], batch_size: int, *, halve: bool) -> list[list[int]]:
    """Forward passes of at most ``batch_size``. With ``halve`` a micro-batch that fits one pass is halved
    (if each half keeps ``MIN_PART`` items), so that one half's read and the other's write overlap the model.

    Halve where the model runs on an accelerator, which leaves the CPU to the I/O. A forward pass on the CPU
    takes every core: I/O beside it only competes for them, and halving doubles the requests (measured with
    ``bench/zero_shot.py --quick`` on 2 vCPUs: ratio 0.80-0.83 halved, 0.84-0.87 whole).
    """
    if len(ids) <= batch_size:
        size = (len(ids) + 1) // 2 if halve and len(ids) >= 2 * MIN_PART else max(1, len(ids))
    else:
        size = batch_size
    return [list(ids[i:i + size]) for i in range(0, len(ids), size)]


def run(parts: Sequence[P], read: Callable[[P], R], compute: Callable[[P, R], C],
        write: Callable[[C], object]) -> list[C]:
    """``compute(part, read(part))`` for each part in order, reads one part ahead and writes behind;
    returns what ``compute`` returned, once every write is done. The first failure is raised."""
    if not parts:
        return []
    with ThreadPoolExecutor(max_workers=IO_THREADS, thread_name_prefix="block-io") as pool:
        reads: list[Future[R]] = [pool.submit(read, parts[0])]
        writes: list[Future[object]] = []
        done: list[C] = []
        try:
            for k, part in enumerate(parts):
                got = reads[k].result()
                if k + 1 < len(parts):
                    reads.append(pool.submit(read, parts[k + 1]))
                done.append(compute(part, got))
                writes.append(pool.submit(write, done[-1]))
            for w in writes:
                w.result()
        except BaseException:
            started: list[Future[Any]] = [*reads, *writes]
            for pending in started:
                pending.cancel()  # what has not started need not; what has is waited for when the pool closes
            raise
    return done
