"""Reading a batch from the server: positions encoded compactly in the URL, the tar stream parsed in memory."""

from __future__ import annotations

import io
import json
import tarfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

_OVERHEAD = 512  # a rough per-item cost of the Python objects around the bytes


@dataclass(frozen=True)
class RawItem:
    """One item as received: its record (fields, annotations, inline text) and the media bytes."""

    record: dict[str, Any]
    media: bytes | None

    @property
    def nbytes(self) -> int:
        """The memory it holds (media plus an estimate for the record)."""
        text = self.record.get("text")
        return (len(self.media) if self.media else 0) + (len(text) if isinstance(text, str) else 0) \
            + _OVERHEAD * (1 + len(self.record.get("annotations") or ()))


def encode_positions(positions: Sequence[int]) -> str:
    """``[0, 1, 2, 3, 9, 7]`` -> ``"0-3,9,7"`` (runs become ranges; order is kept)."""
    parts: list[str] = []
    i = 0
    while i < len(positions):
        j = i
        while j + 1 < len(positions) and positions[j + 1] == positions[j] + 1:
            j += 1
        parts.append(f"{positions[i]}-{positions[j]}" if j > i else str(positions[i]))
        i = j + 1
    return ",".join(parts)


def parse_batch(body: bytes) -> list[RawItem]:
    """The items of one response, in the order asked for."""
    members: dict[str, bytes] = {}
    manifest: dict[str, Any] | None = None
    with tarfile.open(fileobj=io.BytesIO(body), mode="r:") as tar:
        for info in tar:
            handle = tar.extractfile(info)
            if handle is None:
                continue
            data = handle.read()
            if info.name == "batch.json":
                manifest = json.loads(data)
            else:
                members[info.name] = data
    if manifest is None:
        raise ValueError("the batch has no batch.json")
    return [RawItem(rec, members.get(rec["media"]) if rec.get("media") else None) for rec in manifest["items"]]
