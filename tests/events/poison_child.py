"""A consumer process (with a SQL idempotency store) that dies hard on one event and records the others.

Environment: GW_BROKER_URL (empty: embedded), GW_DATA_DIR, GW_EXCHANGE, GW_QUEUE, GW_DEDUP (SQLite file),
GW_POISON (the event id that kills the process), GW_SEEN (a file: one handled id per line).
"""

from __future__ import annotations

import os
from pathlib import Path

from groundwork.events import Consumer, EventMessage, RetryPolicy, SqlIdempotencyStore, connection_for


def _handle(event: EventMessage) -> None:
    if event.id == int(os.environ["GW_POISON"]):
        os._exit(3)  # a segfault, an OOM kill: no exception, no cleanup, no ack
    with Path(os.environ["GW_SEEN"]).open("a") as seen:
        seen.write(f"{event.id}\n")


def main() -> None:
    """Consume until killed (or until the poison event kills us)."""
    connection = connection_for(os.environ.get("GW_BROKER_URL") or None, Path(os.environ["GW_DATA_DIR"]))
    Consumer(connection, os.environ["GW_QUEUE"], ["#"], _handle, exchange=os.environ["GW_EXCHANGE"],
             dedup=SqlIdempotencyStore(f"sqlite:///{os.environ['GW_DEDUP']}"),
             retry=RetryPolicy(max_attempts=3, base_delay_s=0.01, max_delay_s=0.05), prefetch=1).run()


if __name__ == "__main__":
    main()
