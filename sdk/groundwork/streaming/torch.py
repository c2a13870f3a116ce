"""PyTorch: an IterableDataset split by rank and worker with resumable state, a map-style Dataset, collation.

Order: ``epoch_order(n, seed, epoch)`` -> this rank's equal share -> chunks of ``batch_size`` dealt
round robin to the DataLoader's workers, so the loader yields the rank's sequence in order whatever
``num_workers`` is. ``groundwork.streaming.torch.DataLoader`` sets ``batch_size`` for you and counts
what the training loop consumed, which is what ``state_dict()`` records for a mid-epoch resume.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np
import torch
import torch.utils.data as tud

from groundwork._client import ProjectHandle
from groundwork.streaming._dataset import StreamingDataset
from groundwork.streaming._order import epoch_order, rank_count, rank_share, worker_share

Transform = Callable[[dict[str, Any]], Any]


def _dist() -> tuple[int, int]:
    if torch.distributed.is_available() and torch.distributed.is_initialized():
        return torch.distributed.get_rank(), torch.distributed.get_world_size()
    return 0, 1


def distributed_dataset(project: ProjectHandle, dataset: str | int | None = None, *, query: str = "",
                        **options: Any) -> StreamingDataset:
    """One snapshot for every rank: rank 0 resolves it, the others open the id it broadcasts.

    Calling ``project.dataset(...)`` on each rank would resolve one snapshot per rank, which differ if
    anything changed in between; this makes the ranks agree. Without torch.distributed it is
    ``project.dataset(...)`` (or ``project.files(query)``).
    """
    rank, world = _dist()
    if rank == 0:
        ds = project.dataset(dataset, query=query, **options) if dataset is not None else \
            project.files(query, **options)
        if world == 1:
            return ds
        box: list[Any] = [ds.snapshot_id]
    else:
        box = [None]
    torch.distributed.broadcast_object_list(box, src=0)
    return ds if rank == 0 else project.snapshot(int(box[0]), **options)


class StreamingIterableDataset(tud.IterableDataset[Any]):
    """Every rank gets ``ceil(n / world_size)`` samples per epoch (``floor`` with ``drop_last``)."""

    def __init__(self, dataset: StreamingDataset, *, shuffle: bool = True, seed: int = 0,
                 transform: Transform | None = None, rank: int | None = None, world_size: int | None = None,
                 drop_last: bool = False, batch_size: int = 1) -> None:
        dist_rank, dist_world = _dist()
        self.dataset, self.shuffle, self.seed, self.transform = dataset, shuffle, seed, transform
        self.rank = dist_rank if rank is None else rank
        self.world_size = dist_world if world_size is None else world_size
        self.drop_last, self.batch_size = drop_last, batch_size
        self.epoch = 0
        self._start = 0  # where the next iteration starts in this rank's sequence (set by load_state_dict)
        self._consumed = 0  # samples of this epoch handed to the training loop
        self._counted_by_loader = False

    def set_epoch(self, epoch: int) -> None:
        """Start epoch ``epoch`` (its order depends only on seed and epoch)."""
        self.epoch, self._start, self._consumed = epoch, 0, 0

    def __len__(self) -> int:
        return rank_count(len(self.dataset), self.world_size, self.drop_last)

    def rank_sequence(self) -> np.ndarray[Any, np.dtype[np.int64]]:
        """This rank's positions for the current epoch, in order."""
        order = epoch_order(len(self.dataset), self.seed, self.epoch, self.shuffle)
        return rank_share(order, self.rank, self.world_size, self.drop_last)

    def state_dict(self) -> dict[str, Any]:
        """Where this rank is: resume with ``load_state_dict`` to continue with the very next sample."""
        return {"snapshot_id": self.dataset.snapshot_id, "seed": self.seed, "shuffle": self.shuffle,
                "epoch": self.epoch, "consumed": self._consumed, "rank": self.rank,
                "world_size": self.world_size, "drop_last": self.drop_last}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Continue an interrupted epoch (same snapshot, seed and world size required)."""
        for key in ("snapshot_id", "seed", "shuffle", "world_size", "drop_last"):
            mine = self.state_dict()[key]
            if state[key] != mine:
                raise ValueError(f"state is for {key}={state[key]!r}, this dataset has {mine!r}")
        self.epoch, self._start, self._consumed = int(state["epoch"]), int(state["consumed"]), int(state["consumed"])

    def _begin(self) -> int:
        start, self._start, self._consumed = self._start, 0, self._start
        return start

    def __iter__(self) -> Iterator[Any]:
        start = self._start if self._counted_by_loader else self._begin()
        return self._generate(start, count=not self._counted_by_loader)

    def _generate(self, start: int, *, count: bool) -> Iterator[Any]:
        info = tud.get_worker_info()
        worker, workers = (info.id, info.num_workers) if info is not None else (0, 1)
        mine = worker_share(self.rank_sequence()[start:], worker, workers, self.batch_size)
        for item in self.dataset.iter_positions(mine.tolist(), first_fetch=self.batch_size):
            if count:
                self._consumed += 1
            yield self.transform(item) if self.transform is not None else item


class DataLoader(tud.DataLoader[Any]):
    """A torch DataLoader that keeps a StreamingIterableDataset's order and resumable position.

    It deals chunks of its own ``batch_size`` to the workers, so batches arrive in the rank's order,
    and counts the samples the loop received: ``loader.dataset.state_dict()`` is then exact.
    """

    def __init__(self, dataset: StreamingIterableDataset, batch_size: int = 1, **kwargs: Any) -> None:
        if kwargs.get("persistent_workers"):
            raise ValueError("persistent_workers would keep an old epoch's order in the workers")
        dataset.batch_size = batch_size
        super().__init__(dataset, batch_size=batch_size, **kwargs)

    def __iter__(self) -> Iterator[Any]:  # type: ignore[override]
        ds = self.dataset
        assert isinstance(ds, StreamingIterableDataset)
        start = ds._begin()
        ds._start, ds._counted_by_loader = start, True  # the workers' copies start there
        try:
            batches = super().__iter__()
        finally:
            ds._start, ds._counted_by_loader = 0, False
        total = len(ds)
        for batch in batches:
            ds._consumed = min(total, ds._consumed + self.batch_size)  # type: ignore[operator]
            yield batch


class StreamingMapDataset(tud.Dataset[Any]):
    """Map-style access for ``DistributedSampler``; a DataLoader batch is fetched in one request."""

    def __init__(self, dataset: StreamingDataset, *, transform: Transform | None = None) -> None:
        self.dataset, self.transform = dataset, transform

    def __len__(self) -> int:
        return len(self.dataset)

    def __getitem__(self, index: int) -> Any:
        item = self.dataset[index]
        return self.transform(item) if self.transform is not None else item

    def __getitems__(self, indices: Sequence[int]) -> list[Any]:
        items = self.dataset.get_many(list(indices))
        return [self.transform(i) for i in items] if self.transform is not None else items


def image_tensor(image: np.ndarray[Any, Any]) -> torch.Tensor:
    """HxWxC uint8 array -> CxHxW uint8 tensor (no copy of the pixels beyond making them contiguous)."""
    return torch.from_numpy(np.ascontiguousarray(image)).permute(2, 0, 1)


def detection_target(item: dict[str, Any], label_index: dict[int, int] | None = None) -> dict[str, torch.Tensor]:
    """torchvision's target format: ``boxes`` (N, 4) xyxy float, ``labels`` (N,) int64, ``image_id``."""
    ids = item["boxes"]["label_ids"]
    labels = np.array([label_index[i] for i in ids], np.int64) if label_index is not None else ids
    return {"boxes": torch.from_numpy(item["boxes"]["xyxy"]), "labels": torch.from_numpy(labels),
            "image_id": torch.tensor(item["file_id"])}


def collate_detection(batch: list[dict[str, Any]]) -> tuple[list[torch.Tensor], list[dict[str, torch.Tensor]]]:
    """Items -> (list of CxHxW images, list of targets): sizes and box counts differ, so nothing is stacked."""
    return [image_tensor(i["image"]) for i in batch], [detection_target(i) for i in batch]
