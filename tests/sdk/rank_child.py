"""One rank of a real torch.distributed job (gloo): resolve or receive the snapshot, stream this rank's share.

Run by test_sdk_torch.py as ``python rank_child.py URL TOKEN PROJECT_ID RANK WORLD STORE``; prints one JSON
line: the snapshot id this rank streamed and the file ids it saw, in order.
"""

from __future__ import annotations

import json
import sys

import groundwork
import torch
from groundwork.streaming.torch import DataLoader, distributed_dataset


def file_id(item: dict[str, object]) -> int:
    return int(item["file_id"])  # type: ignore[call-overload]


def main() -> None:
    url, token, project_id, rank, world, store = sys.argv[1:7]
    torch.distributed.init_process_group("gloo", init_method=f"file://{store}", rank=int(rank),
                                         world_size=int(world))
    try:
        ds = distributed_dataset(groundwork.Client(url, token).project(int(project_id)), "train")
        stream = ds.to_pytorch(seed=5, transform=file_id)  # rank and world size from torch.distributed
        stream.set_epoch(1)
        seen = [int(x) for batch in DataLoader(stream, batch_size=2, num_workers=2) for x in batch]
        print(json.dumps({"snapshot_id": ds.snapshot_id, "rank": stream.rank, "ids": seen}), flush=True)
    finally:
        torch.distributed.destroy_process_group()


if __name__ == "__main__":
    main()
