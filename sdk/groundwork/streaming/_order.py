"""Sample order as pure functions: (n, seed, epoch) -> permutation -> this rank's share -> this worker's share.

Nothing here depends on the process, the clock or the number of DataLoader workers, so every rank
computes the same permutation on its own and a resumed run recomputes exactly the same sequence.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Positions = npt.NDArray[np.int64]


def epoch_order(n: int, seed: int, epoch: int, shuffle: bool) -> Positions:
    """All positions of one epoch: a permutation seeded by (seed, epoch), or 0..n-1."""
    if not shuffle:
        return np.arange(n, dtype=np.int64)
    return np.random.default_rng([seed, epoch]).permutation(n).astype(np.int64)


def rank_count(n: int, world_size: int, drop_last: bool) -> int:
    """How many samples each rank gets: the same for every rank."""
    return n // world_size if drop_last else -(-n // world_size)


def rank_share(order: Positions, rank: int, world_size: int, drop_last: bool) -> Positions:
    """This rank's samples, interleaved; padded from the start of ``order`` (or cut) so all ranks are equal."""
    if not 0 <= rank < world_size:
        raise ValueError(f"rank {rank} is outside a world of {world_size}")
    per_rank = rank_count(len(order), world_size, drop_last)
    total = per_rank * world_size
    if total > len(order):  # pad like DistributedSampler: repeat the first samples
        order = np.concatenate([order, np.resize(order, total - len(order))]) if len(order) else order
    return order[:total][rank::world_size]


def worker_share(sequence: Positions, worker: int, num_workers: int, chunk: int) -> Positions:
    """Chunks ``worker``, ``worker + num_workers``, ... of ``chunk`` samples each.

    With ``chunk`` equal to the DataLoader's batch size, the loader's in-order round robin over its
    workers hands out chunk 0, 1, 2, ...: the batches arrive in exactly the rank's sequence order,
    whatever the number of workers.
    """
    if chunk < 1:
        raise ValueError("chunk must be at least 1")
    starts = np.arange(worker * chunk, len(sequence), num_workers * chunk)
    if not len(starts):
        return sequence[:0]
    return np.concatenate([sequence[s:s + chunk] for s in starts])
