"""``serve``'s embedded worker is the laptop's only executor: it serves the cpu and gpu queues (ML blocks)."""

from backend.cli.embedded_worker import embedded_queues


def test_the_embedded_executor_serves_both_queues_unless_told_otherwise() -> None:
    assert embedded_queues({}) == "cpu,gpu"
    assert embedded_queues({"GROUNDWORK_WORKER_QUEUES": ""}) == "cpu,gpu"
    assert embedded_queues({"GROUNDWORK_WORKER_QUEUES": "cpu"}) == "cpu"
