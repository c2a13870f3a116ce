"""Maximum mean discrepancy between two samples of embeddings, with a permutation test.

RBF kernel with the median heuristic for its bandwidth; the statistic is the (biased) squared MMD,
a'Ka with a = 1/n on the first sample and -1/m on the second. All permutations are scored at once
(one matrix product), so hundreds of them cost about as much as a few forward passes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import torch


@dataclass(frozen=True)
class MMDResult:
    """The statistic, its p-value under "same distribution", and each current row's witness score."""

    mmd2: float
    p_value: float
    bandwidth: float
    permutations: int
    witness: npt.NDArray[np.float64]


def rbf_kernel(z: torch.Tensor) -> tuple[torch.Tensor, float]:
    """The RBF kernel matrix of the rows of ``z`` and the bandwidth (median pairwise distance)."""
    d2 = torch.cdist(z, z).pow(2)
    off = d2[~torch.eye(len(z), dtype=torch.bool, device=z.device)]
    median = float(off.median()) if off.numel() else 1.0
    sigma2 = max(median, 1e-12)
    return torch.exp(-d2 / (2 * sigma2)), float(np.sqrt(sigma2))


def mmd_test(current: npt.NDArray[np.float32], reference: npt.NDArray[np.float32], *, permutations: int = 500,
             seed: int = 0, device: str = "cpu") -> MMDResult:
    """Squared MMD of ``current`` vs ``reference`` (rows are samples) and a permutation-test p-value."""
    n, m = len(current), len(reference)
    if n < 2 or m < 2:
        raise ValueError(f"drift needs at least two files on each side (got {n} current, {m} reference)")
    z = torch.from_numpy(np.concatenate([current, reference]).astype(np.float64)).to(device)
    k, bandwidth = rbf_kernel(z)
    weights = torch.cat([torch.full((n,), 1.0 / n), torch.full((m,), -1.0 / m)]).to(k)
    observed = float(weights @ k @ weights)
    gen = torch.Generator().manual_seed(seed)
    perms = torch.stack([torch.randperm(n + m, generator=gen) for _ in range(permutations)]).to(device)
    a = weights[perms].T  # (n+m, P): each column is the weights under one relabelling
    null = ((k @ a) * a).sum(dim=0)
    p_value = (1.0 + float((null >= observed - 1e-12).sum())) / (1.0 + permutations)
    witness = (k[:n, :n].mean(dim=1) - k[:n, n:].mean(dim=1)).cpu().numpy()
    return MMDResult(observed, p_value, bandwidth, permutations, witness.astype(np.float64))
