"""TensorFlow: a ``tf.data.Dataset`` over a snapshot, with a fixed output signature.

Each element: ``file_id``, ``position`` (int64), ``image`` (uint8 HxWx3; 0x0x3 for texts), ``text``
(string; empty for images), ``boxes`` (float32 (N, 4) xyxy pixels), ``box_label_ids`` (int64 (N,)),
``tag_label_ids`` (int64). Box counts differ per image, so batch with
``ds.ragged_batch(B)``: boxes become a ``tf.RaggedTensor`` of shape (B, None, 4).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from groundwork.streaming._order import epoch_order, rank_share

if TYPE_CHECKING:
    from groundwork.streaming._dataset import StreamingDataset

TFDataset = Any  # tf.data.Dataset (TensorFlow ships no type information)
_NO_IMAGE = np.zeros((0, 0, 3), np.uint8)


def output_signature() -> dict[str, Any]:
    """The ``tf.TensorSpec`` of every field of an element."""
    import tensorflow as tf

    return {
        "file_id": tf.TensorSpec((), tf.int64),
        "position": tf.TensorSpec((), tf.int64),
        "image": tf.TensorSpec((None, None, 3), tf.uint8),
        "text": tf.TensorSpec((), tf.string),
        "boxes": tf.TensorSpec((None, 4), tf.float32),
        "box_label_ids": tf.TensorSpec((None,), tf.int64),
        "tag_label_ids": tf.TensorSpec((None,), tf.int64),
    }


def element(item: dict[str, Any]) -> dict[str, Any]:
    """One streamed item as the numpy values of an element."""
    image = item.get("image")
    return {"file_id": np.int64(item["file_id"]), "position": np.int64(item["position"]),
            "image": image if isinstance(image, np.ndarray) else _NO_IMAGE,
            "text": (item.get("text") or "").encode(),
            "boxes": item["boxes"]["xyxy"], "box_label_ids": item["boxes"]["label_ids"],
            "tag_label_ids": item["tags"]["label_ids"]}


def to_tensorflow(dataset: StreamingDataset, *, shuffle: bool = False, seed: int = 0, epoch: int = 0,
                  rank: int = 0, world_size: int = 1) -> TFDataset:
    """This rank's share of the snapshot in (seed, epoch) order, as ``tf.data.Dataset.from_generator``."""
    import tensorflow as tf

    positions = rank_share(epoch_order(len(dataset), seed, epoch, shuffle), rank, world_size, False).tolist()
    ds = dataset.with_options(decode=True)

    def generate() -> Iterator[dict[str, Any]]:
        for item in ds.iter_positions(positions):
            yield element(item)

    return tf.data.Dataset.from_generator(generate, output_signature=output_signature())
