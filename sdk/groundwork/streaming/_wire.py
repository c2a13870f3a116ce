"""Reading a batch from the server: positions encoded compactly in the URL, the tar stream parsed in memory."""

from __future__ import annotations

import io
import json
import tarfile
from collections.abc import Iterator, Sequence
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


def _members(body: bytes) -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of each regular member: the ustar headers the server writes, read directly
    (tarfile's general reader costs ~10x more per member); anything else goes through tarfile."""
    if body[257:262] != b"ustar":
        yield from _members_tarfile(body)
        return
    offset = 0
    while offset + 512 <= len(body) and body[offset] != 0:
        head = body[offset:offset + 512]
        if head[156:157] not in (b"0", b"\0") or head[257:262] != b"ustar":
            raise ValueError("unexpected tar member type in a batch")
        name = head[:100].split(b"\0", 1)[0].decode()
        size = int(head[124:136].split(b"\0", 1)[0].strip() or b"0", 8)
        start = offset + 512
        if start + size > len(body):
            raise ValueError("truncated batch")
        yield name, body[start:start + size]
        offset = start + size + (-size % 512)


def _members_tarfile(body: bytes) -> Iterator[tuple[str, bytes]]:
    with tarfile.open(fileobj=io.BytesIO(body), mode="r:") as tar:
        for info in tar:
            handle = tar.extractfile(info)
            if handle is not None:
                yield info.name, handle.read()


def parse_batch(body: bytes) -> list[RawItem]:
    """The items of one response, in the order asked for."""
    members: dict[str, bytes] = {}
    manifest: dict[str, Any] | None = None
    for name, data in _members(body):
        if name == "batch.json":
            manifest = json.loads(data)
        else:
            members[name] = data
    if manifest is None:
        raise ValueError("the batch has no batch.json")
    return [RawItem(rec, members.get(rec["media"]) if rec.get("media") else None) for rec in manifest["items"]]
