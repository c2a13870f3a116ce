"""The ML blocks' I/O pipeline: reads run ahead of the model and writes behind it, and nothing is returned
before every write is stored (a step is acknowledged only then)."""

from __future__ import annotations

import threading

import pytest

from workflow_service.blocks.ml import _pipeline as pipeline

WAIT_S = 10


@pytest.mark.parametrize(("n", "batch", "sizes"), [
    (64, 64, [32, 32]),  # one forward pass's worth: halved, so the halves' I/O overlaps the model
    (33, 64, [17, 16]),
    (31, 64, [31]),  # halves under MIN_PART would cost the model more than the overlap saves
    (200, 64, [64, 64, 64, 8]),
    (1, 64, [1]),
    (0, 64, []),
])
def test_parts_cover_every_id_once_in_order(n: int, batch: int, sizes: list[int]) -> None:
    parts = pipeline.parts_of(list(range(n)), batch, halve=True)
    assert [len(p) for p in parts] == sizes
    assert [i for p in parts for i in p] == list(range(n))


@pytest.mark.parametrize(("n", "sizes"), [(64, [64]), (33, [33]), (200, [64, 64, 64, 8])])
def test_without_halving_a_pass_is_one_part(n: int, sizes: list[int]) -> None:
    # on the CPU the model takes every core: one read and one write per forward pass, none beside it
    assert [len(p) for p in pipeline.parts_of(list(range(n)), 64, halve=False)] == sizes


def test_next_read_and_previous_write_run_while_the_model_works() -> None:
    """Part 0's compute waits for part 1's read to start, part 1's compute for part 0's write: a
    read-compute-write loop in turn would never get there and fail here."""
    read_started = {k: threading.Event() for k in range(3)}
    write_started = {k: threading.Event() for k in range(3)}
    written: list[int] = []

    def read(part: int) -> int:
        read_started[part].set()
        return part * 10

    def compute(part: int, got: int) -> int:
        if part + 1 < 3:
            assert read_started[part + 1].wait(WAIT_S), "the next part was not read ahead"
        if part > 0:
            assert write_started[part - 1].wait(WAIT_S), "the previous part was not written behind"
        return got + 1

    def write(result: int) -> None:
        write_started[result // 10].set()
        written.append(result)

    assert pipeline.run([0, 1, 2], read, compute, write) == [1, 11, 21]
    assert sorted(written) == [1, 11, 21]  # all stored before run returned


def test_a_failed_write_fails_the_run_after_the_others_finish() -> None:
    finished: list[int] = []

    def write(result: int) -> None:
        if result == 1:
            raise OSError("the API is down")
        finished.append(result)

    with pytest.raises(OSError, match="the API is down"):
        pipeline.run([0, 1, 2], lambda p: p, lambda p, got: got, write)
    assert 1 not in finished


def test_a_failed_read_stops_before_the_model_sees_that_part() -> None:
    computed: list[int] = []

    def read(part: int) -> int:
        if part == 1:
            raise TimeoutError("read timed out")
        return part

    def compute(part: int, got: int) -> int:
        computed.append(part)
        return got

    with pytest.raises(TimeoutError):
        pipeline.run([0, 1, 2], read, compute, lambda r: None)
    assert computed == [0]
