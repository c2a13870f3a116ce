"""The pure parts of streaming: order, rank and worker shares, position encoding, the byte-bounded LRU."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import numpy as np
import pytest
from groundwork.streaming import epoch_order, rank_count, rank_share, worker_share
from groundwork.streaming._cache import ByteLRU
from groundwork.streaming._wire import RawItem, encode_positions, parse_batch


def test_order_is_a_pure_function_of_seed_and_epoch() -> None:
    assert epoch_order(10, 3, 1, True).tolist() == epoch_order(10, 3, 1, True).tolist()
    assert epoch_order(10, 3, 1, True).tolist() != epoch_order(10, 3, 2, True).tolist()
    assert sorted(epoch_order(10, 3, 1, True).tolist()) == list(range(10))
    assert epoch_order(4, 3, 1, False).tolist() == [0, 1, 2, 3]


@pytest.mark.parametrize(("n", "world", "drop_last"), [(10, 3, False), (10, 3, True), (2, 4, False), (9, 3, False)])
def test_every_rank_gets_the_same_count_and_all_samples_are_covered(n: int, world: int, drop_last: bool) -> None:
    order = epoch_order(n, 0, 0, True)
    shares = [rank_share(order, r, world, drop_last).tolist() for r in range(world)]
    assert {len(s) for s in shares} == {rank_count(n, world, drop_last)}
    covered = {x for s in shares for x in s}
    assert covered == set(range(n)) if not drop_last else len(covered) == rank_count(n, world, True) * world


def test_worker_chunks_reassemble_the_sequence_round_robin() -> None:
    seq = np.arange(23, dtype=np.int64)
    parts = [worker_share(seq, w, 3, 4).tolist() for w in range(3)]
    chunks = [[p[i:i + 4] for i in range(0, len(p), 4)] for p in parts]
    dealt = [c for k in range(max(map(len, chunks))) for w in range(3) if k < len(chunks[w]) for c in [chunks[w][k]]]
    assert [x for c in dealt for x in c] == seq.tolist()


def test_positions_encode_runs_as_ranges_and_keep_order() -> None:
    assert encode_positions([0, 1, 2, 3, 9, 7, 8]) == "0-3,9,7-8"
    assert encode_positions([5]) == "5" and encode_positions([]) == ""


def test_lru_is_bounded_by_bytes_held() -> None:
    lru = ByteLRU(max_bytes=10_000)
    for i in range(10):
        lru.put(i, RawItem({"annotations": []}, b"x" * 3000))
    assert lru.bytes <= 10_000 and len(lru) == 2
    assert lru.get(9) is not None and lru.get(0) is None
    lru.put(99, RawItem({"annotations": []}, b"x" * 20_000))  # bigger than the whole budget: not kept
    assert lru.get(99) is None


def test_parse_batch_reads_the_server_format() -> None:
    from backend.streaming.archive import Member, stream

    manifest = json.dumps({"items": [{"position": 4, "media": "4.jpg"}, {"position": 2, "text": "hi", "media": None},
                                     {"position": 7, "error": "not_visible"}]}).encode()
    body = b"".join(stream(manifest, [Member("4.jpg", 3, lambda: b"abc")]))
    items = parse_batch(body)
    assert [i.record["position"] for i in items] == [4, 2, 7] and items[0].media == b"abc" and items[1].media is None
    with tarfile.open(fileobj=io.BytesIO(body)) as tar:  # a plain archive any tar tool reads
        assert tar.getnames() == ["batch.json", "4.jpg"]
    with pytest.raises(OSError, match="expected"):
        b"".join(stream(manifest, [Member("4.jpg", 5, lambda: b"abc")]))


def test_local_files_are_read_straight_into_the_stream_and_checked(tmp_path: Path) -> None:
    """Members backed by a file path (local storage) frame the same bytes; a file that changed size since
    the manifest promised its length cuts the stream instead of sending a corrupt archive."""
    from backend.streaming.archive import Member, stream

    photo, empty = tmp_path / "photo.jpg", tmp_path / "empty.bin"
    photo.write_bytes(bytes(range(256)) * 5)
    empty.write_bytes(b"")
    manifest = json.dumps({"items": [{"position": 0, "media": "0.jpg"}, {"position": 1, "media": "1.bin"}]}).encode()
    never = lambda: pytest.fail("a member with a path is read from the path")  # noqa: E731
    members = [Member("0.jpg", 1280, never, path=str(photo)), Member("1.bin", 0, never, path=str(empty))]
    items = parse_batch(b"".join(stream(manifest, members)))
    assert items[0].media == photo.read_bytes() and items[1].media == b""
    for wrong in (1279, 1281):
        with pytest.raises(OSError, match="expected"):
            b"".join(stream(manifest, [Member("0.jpg", wrong, never, path=str(photo))]))
