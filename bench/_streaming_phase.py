"""One measured phase of bench/streaming.py, run in its own process so its peak RSS is its own.

``python bench/_streaming_phase.py '<json spec>'`` prints one JSON line: samples, seconds, samples/s,
time to first batch, and the peak RSS of this (training) process and of its DataLoader workers.
Both image phases decode with the same function (``groundwork.streaming.decode_image``) into the same
tensors, in a DataLoader with the same workers, batch size and shuffling; only where the bytes and
boxes come from differs.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

import groundwork
import numpy as np
import torch
import torch.utils.data as tud
from groundwork.streaming import decode_image
from groundwork.streaming.torch import DataLoader, image_tensor


def to_sample(item: dict[str, Any]) -> tuple[torch.Tensor, torch.Tensor]:
    """What a detector's input pipeline needs: the image tensor and its boxes."""
    return image_tensor(item["image"]), torch.from_numpy(item["boxes"]["xyxy"])


class LocalImages(tud.Dataset[tuple[torch.Tensor, torch.Tensor]]):
    """The same files read from a local folder, boxes from an in-memory index, the same decode."""

    def __init__(self, folder: str, boxes: dict[str, list[list[float]]]) -> None:
        self.paths = sorted(Path(folder).glob("*.jpg"))
        self.boxes = {name: np.array(b, np.float32).reshape(-1, 4) for name, b in boxes.items()}

    def __len__(self) -> int:
        return len(self.paths)

    def __getitem__(self, i: int) -> tuple[torch.Tensor, torch.Tensor]:
        path = self.paths[i]
        image = decode_image(path.read_bytes())
        return image_tensor(image), torch.from_numpy(self.boxes[path.name])


def collate(batch: list[tuple[torch.Tensor, torch.Tensor]]) -> tuple[torch.Tensor, list[torch.Tensor]]:
    """Images of one size stack; box counts differ, so boxes stay a list."""
    return torch.stack([b[0] for b in batch]), [b[1] for b in batch]


def run_loader(loader: Any) -> dict[str, float]:
    """Iterate once; count samples, time the first batch and the whole pass."""
    start = time.perf_counter()
    first = None
    samples = 0
    for images, _ in loader:
        if first is None:
            first = time.perf_counter() - start
        samples += len(images)
    seconds = time.perf_counter() - start
    return {"samples": samples, "seconds": round(seconds, 3), "samples_per_s": round(samples / seconds, 1),
            "first_batch_s": round(first or 0.0, 3)}


def main(spec: dict[str, Any]) -> dict[str, Any]:
    """Run the phase named in ``spec``."""
    kind = spec["phase"]
    if kind == "local":
        boxes = json.loads(Path(spec["boxes"]).read_text())
        loader = tud.DataLoader(LocalImages(spec["folder"], boxes), batch_size=spec["batch_size"], shuffle=True,
                                num_workers=spec["workers"], collate_fn=collate,
                                generator=torch.Generator().manual_seed(0))
        out = run_loader(loader)
    elif kind == "stream":
        client = groundwork.Client(spec["url"], spec["token"])
        ds = client.project(spec["project"]).snapshot(spec["snapshot"], memory_cache_bytes=spec["cache_bytes"])
        stream = ds.to_pytorch(shuffle=True, seed=0, transform=to_sample)
        out = run_loader(DataLoader(stream, batch_size=spec["batch_size"], num_workers=spec["workers"],
                                    collate_fn=collate))
        out["snapshot_items"] = len(ds)
    else:  # text records, no DataLoader: the records themselves are the payload
        client = groundwork.Client(spec["url"], spec["token"])
        ds = client.project(spec["project"]).snapshot(spec["snapshot"], fetch_size=spec["fetch_size"],
                                                      memory_cache_bytes=0)
        start = time.perf_counter()
        chars = sum(len(item["text"]) for item in ds)
        seconds = time.perf_counter() - start
        out = {"samples": len(ds), "seconds": round(seconds, 3), "samples_per_s": round(len(ds) / seconds, 1),
               "chars": chars}
    me, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    out["peak_rss_mib"] = round(me.ru_maxrss / 1024, 1)
    out["workers_peak_rss_mib"] = round(workers.ru_maxrss / 1024, 1)
    cpu = me.ru_utime + me.ru_stime + workers.ru_utime + workers.ru_stime
    out["cpu_ms_per_sample"] = round(cpu * 1000 / max(1, out["samples"]), 3)
    return out


if __name__ == "__main__":
    print(json.dumps(main(json.loads(sys.argv[1]))), flush=True)
