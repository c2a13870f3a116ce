"""``python -m workflow_service ROLE``: how ``groundwork worker`` starts each role in its own process."""

from __future__ import annotations

import argparse
import logging
import os

from workflow_service.runner import run_executor, run_orchestrator
from workflow_service.settings import WorkerSettings


def main() -> None:
    """Parse the role and its options, then run it until stopped."""
    parser = argparse.ArgumentParser(prog="python -m workflow_service")
    parser.add_argument("role", choices=["orchestrator", "executor"])
    parser.add_argument("--queues", default=None)
    parser.add_argument("--concurrency", type=int, default=None)
    parser.add_argument("--pool", default="prefork", choices=["prefork", "threads", "solo"])
    args = parser.parse_args()
    logging.basicConfig(level=os.environ.get("GROUNDWORK_LOG_LEVEL", "INFO"),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = WorkerSettings()
    if args.role == "orchestrator":
        run_orchestrator(settings)
    else:
        queues = args.queues.split(",") if args.queues else settings.queues
        run_executor(settings, queues, args.concurrency or settings.worker_concurrency, args.pool)


if __name__ == "__main__":
    main()
