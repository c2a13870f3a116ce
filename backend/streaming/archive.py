"""The batch wire format: an uncompressed tar stream (POSIX ustar) written as it is read from storage.

Member 1 is ``batch.json`` (every item's file fields and annotations, plus the text of text files);
then one member per image, named in the manifest (``<position>.<ext>``). Tar was chosen over Arrow
IPC and multipart after measuring all three (docs/sdk.md): decoding is equally cheap on the client,
tar needs nothing outside the standard library on either side, and a batch saved to disk is a
plain archive ``tar tf`` can read. Media are already compressed, so the stream is not.
"""

from __future__ import annotations

import tarfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

BLOCK = 512
_FLUSH_BYTES = 1024 * 1024  # yield about this much at a time: fewer thread hops in the server


@dataclass(frozen=True)
class Member:
    """One archive member: its name, its exact size, and how to read its bytes when it is its turn."""

    name: str
    size: int
    read: Callable[[], bytes]


def header(name: str, size: int) -> bytes:
    """The 512-byte ustar header of a regular file."""
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, 0o644, 0
    return info.tobuf(format=tarfile.USTAR_FORMAT)


def _padding(size: int) -> bytes:
    return b"\0" * (-size % BLOCK)


def stream(first: bytes, members: list[Member]) -> Iterator[bytes]:
    """``batch.json`` (``first``) then each member, in chunks of about 1 MiB; ends with the tar trailer."""
    parts: list[bytes] = [header("batch.json", len(first)), first, _padding(len(first))]
    held = len(first)
    for m in members:
        data = m.read()
        if len(data) != m.size:  # the header already promised m.size bytes: cut the stream, the client retries
            raise OSError(f"{m.name}: storage returned {len(data)} bytes, expected {m.size}")
        parts += [header(m.name, m.size), data, _padding(m.size)]
        held += m.size
        if held >= _FLUSH_BYTES:
            yield b"".join(parts)
            parts, held = [], 0
    parts.append(b"\0" * (2 * BLOCK))
    yield b"".join(parts)
