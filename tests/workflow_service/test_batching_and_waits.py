"""Micro-batching, task waits and cross-run aggregates (the orchestrator's bookkeeping)."""

from groundwork.workflows.spec import Wait

from workflow_service.messages import StepItem
from workflow_service.orchestrator.batcher import Batcher
from workflow_service.orchestrator.waits import Aggregates, TaskWaits, task_ids_of
from workflow_service.plan import Node


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def item(run_id: int) -> StepItem:
    return StepItem(run_id=run_id, project_id=1, key="k", args=[[run_id]])


def test_a_full_batch_leaves_at_once_and_a_partial_one_after_its_delay() -> None:
    clock = Clock()
    batcher = Batcher(clock)
    node = Node(key="k", args=[], instance="i", block="identity", batch_size=3, max_batch_delay=2.0)
    for run_id in range(1, 5):
        batcher.add(10, node, item(run_id))
    first = batcher.ready()
    assert [[i.run_id for i in b.items] for b in first] == [[1, 2, 3]]
    assert batcher.ready() == []  # run 4 waits for company or for its delay
    assert batcher.next_due() == 2.0
    clock.now = 2.0
    (late,) = batcher.ready()
    assert [i.run_id for i in late.items] == [4] and late.block == "identity" and late.version_id == 10
    assert batcher.next_due() is None


def test_batches_never_mix_versions_or_nodes_and_cancelled_runs_are_dropped() -> None:
    batcher = Batcher(Clock())
    a = Node(key="a", args=[], block="identity", batch_size=10, max_batch_delay=0)
    b = Node(key="b", args=[], block="identity", batch_size=10, max_batch_delay=0)
    batcher.add(1, a, item(1))
    batcher.add(2, a, item(2))
    batcher.add(1, b, item(3))
    batcher.add(1, b, item(4))
    batcher.drop_run(4)
    groups = sorted((x.version_id, x.items[0].key, [i.run_id for i in x.items]) for x in batcher.ready())
    assert groups == [(1, "k", [1]), (1, "k", [3]), (2, "k", [2])]


def test_a_step_waiting_for_tasks_completes_when_the_last_one_is_done() -> None:
    waits = TaskWaits()
    assert waits.add(1, "review", [11, 12], ["approved", "skipped"]) is False
    assert waits.task_changed(11, "in_progress") == []
    assert waits.task_changed(11, "approved") == []
    assert waits.task_changed(12, "skipped") == [(1, "review")]
    assert waits.task_changed(12, "approved") == []  # once only


def test_tasks_already_done_need_no_wait_and_cancelled_runs_are_forgotten() -> None:
    waits = TaskWaits()
    waits.task_changed(5, "approved")
    assert waits.add(1, "k", [5], ["approved"]) is True
    waits.add(2, "k", [6], ["approved"])
    waits.drop_run(2)
    assert waits.task_changed(6, "approved") == []


def test_an_aggregate_fires_on_the_nth_input_and_merges_the_others() -> None:
    agg = Aggregates(Clock())
    wait = Wait(events=3)
    assert agg.add(7, "batch", wait, 1, [1], 1) is None
    assert agg.add(7, "batch", wait, 1, [1], 1) is None  # the same run twice counts once
    assert agg.add(7, "batch", wait, 2, [2, 3], 1) is None
    fired = agg.add(7, "batch", wait, 3, [4], 1)
    assert fired is not None
    assert (fired.winner, fired.value, fired.merged) == (3, [1, 2, 3, 4], [1, 2])
    assert agg.add(7, "batch", wait, 4, [5], 1) is None  # a fresh gathering starts


def test_tasks_completed_counts_tasks_and_a_window_fires_on_time() -> None:
    clock = Clock()
    agg = Aggregates(clock)
    assert agg.add(1, "t", Wait(tasks_completed=3), 1, [1, 2], 2) is None
    assert agg.add(1, "t", Wait(tasks_completed=3), 2, [3], 1) is not None
    agg.add(1, "w", Wait(window=10), 5, "x", 1)
    clock.now = 9.9
    assert agg.due() == []
    clock.now = 10.0
    (fired,) = agg.due()
    assert (fired.winner, fired.value) == (5, ["x"])


def test_task_ids_are_found_in_nested_values() -> None:
    assert task_ids_of([[1, 2], [3]]) == [1, 2, 3]
    assert task_ids_of({"tasks": [4]}) == [4]
    assert task_ids_of("nope") == []
