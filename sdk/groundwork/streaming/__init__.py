"""Streaming datasets: snapshots read in batches into numpy, PyTorch and TensorFlow (docs/sdk.md)."""

from groundwork.streaming._dataset import StreamingDataset, StreamOptions
from groundwork.streaming._decode import annotation_arrays, build_item, decode_image
from groundwork.streaming._order import epoch_order, rank_count, rank_share, worker_share

__all__ = ["StreamOptions", "StreamingDataset", "annotation_arrays", "build_item", "decode_image", "epoch_order",
           "rank_count", "rank_share", "worker_share"]
