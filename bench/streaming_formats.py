"""Which wire format for a batch of items: tar, Arrow IPC or multipart? Encode and decode costs, measured.

A batch is what ``GET .../snapshots/{id}/items`` returns: one JSON manifest (fields and annotations of
every item) plus each item's image bytes. Each format is encoded the way a server would (headers and
bytes, no extra copies where the format allows) and decoded the way the SDK would (to the manifest and
one ``bytes`` per image). No network: this isolates the format. Wire size overhead is reported too.
"""

from __future__ import annotations

import email.parser
import io
import json
import os
import time
from collections.abc import Callable
from typing import Any

import _common as c
import pyarrow as pa
from groundwork.streaming._wire import parse_batch

from backend.streaming.archive import header, padding

NAME = "streaming_formats"


def batch(n: int, size: int) -> tuple[bytes, list[bytes]]:
    """A manifest for ``n`` items with three boxes each, and ``n`` random blobs of ``size`` bytes."""
    items = [{"position": i, "file_id": i + 1, "kind": "image", "name": f"img-{i}.jpg", "media": f"{i}.jpg",
              "metadata": {}, "annotations": [{"type": "box", "label": "car", "label_id": 1,
                                               "geometry": {"x": 1, "y": 2, "w": 3, "h": 4}}] * 3}
             for i in range(n)]
    return json.dumps({"items": items}).encode(), [os.urandom(size) for _ in range(n)]


def tar_encode(manifest: bytes, blobs: list[bytes]) -> bytes:
    parts = [header("batch.json", len(manifest)), manifest, padding(len(manifest))]
    for i, b in enumerate(blobs):  # as the server frames them: header, bytes, padding; one join
        parts += [header(f"{i}.jpg", len(b)), b, padding(len(b))]
    return b"".join([*parts, b"\0" * 1024])


def tar_decode(body: bytes) -> int:
    return len(parse_batch(body))


def arrow_encode(manifest: bytes, blobs: list[bytes]) -> bytes:
    table = pa.table({"media": pa.array(blobs, pa.binary())})
    sink = io.BytesIO()
    with pa.ipc.new_stream(sink, table.schema.with_metadata({"manifest": manifest})) as writer:
        writer.write_table(table)
    return sink.getvalue()


def arrow_decode(body: bytes) -> int:
    reader = pa.ipc.open_stream(body)
    json.loads(reader.schema.metadata[b"manifest"])
    return len([v.as_py() for v in reader.read_all().column("media")])


BOUNDARY = b"gw-batch-boundary-7d3f"


def multipart_encode(manifest: bytes, blobs: list[bytes]) -> bytes:
    parts = [b"--" + BOUNDARY + b"\r\ncontent-type: application/json\r\n\r\n" + manifest]
    parts += [b"--" + BOUNDARY + f"\r\ncontent-type: image/jpeg\r\ncontent-id: {i}\r\n\r\n".encode() + b
              for i, b in enumerate(blobs)]
    return b"\r\n".join(parts) + b"\r\n--" + BOUNDARY + b"--\r\n"


def multipart_decode(body: bytes) -> int:
    head = b"content-type: multipart/mixed; boundary=" + BOUNDARY + b"\r\n\r\n"
    message = email.parser.BytesParser().parsebytes(head + body)
    parts = message.get_payload()
    json.loads(parts[0].get_payload(decode=True))
    return len([p.get_payload(decode=True) for p in parts[1:]])


def timed(fn: Callable[[], Any], repeat: int) -> float:
    """Best wall seconds of ``repeat`` runs."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    """Measure every format and print the JSON line."""
    p = c.parser(__doc__ or NAME)
    args = p.parse_args()
    n, size, repeat = 128, 100_000, 5 if args.quick else 20
    manifest, blobs = batch(n, size)
    figures: dict[str, Any] = {"items": n, "item_bytes": size}
    for name, enc, dec in (("tar", tar_encode, tar_decode), ("arrow", arrow_encode, arrow_decode),
                           ("multipart", multipart_encode, multipart_decode)):
        body = enc(manifest, blobs)
        assert dec(body) == n
        figures[f"{name}_encode_us_per_item"] = round(timed(lambda e=enc: e(manifest, blobs), repeat) / n * 1e6, 1)
        figures[f"{name}_decode_us_per_item"] = round(timed(lambda d=dec, b=body: d(b), repeat) / n * 1e6, 1)
        figures[f"{name}_overhead_bytes_per_item"] = round((len(body) - len(manifest) - n * size) / n, 1)
        c.say(f"{name}: {figures[f'{name}_encode_us_per_item']} µs encode, "
              f"{figures[f'{name}_decode_us_per_item']} µs decode per item")
    c.emit(NAME, figures, {}, c.machine())


if __name__ == "__main__":
    main()
