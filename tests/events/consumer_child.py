"""A consumer in its own process that hangs inside its first event (the test kills it there).

Environment: GW_BROKER_URL (empty: embedded), GW_DATA_DIR, GW_EXCHANGE, GW_QUEUE, GW_MARKER.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from groundwork.events import Consumer, EventMessage, connection_for


def _hang(event: EventMessage) -> None:
    Path(os.environ["GW_MARKER"]).write_text(str(event.id))
    time.sleep(600)


def main() -> None:
    """Consume until killed."""
    connection = connection_for(os.environ.get("GW_BROKER_URL") or None, Path(os.environ["GW_DATA_DIR"]))
    Consumer(connection, os.environ["GW_QUEUE"], ["#"], _hang, exchange=os.environ["GW_EXCHANGE"]).run()


if __name__ == "__main__":
    main()
