"""A relay in its own process that stalls after publishing a batch, before marking it (killed by the test).

Environment: GW_DB_URL, GW_BROKER_URL (empty: embedded), GW_DATA_DIR, GW_LOCK_DIR, GW_EXCHANGE, GW_BATCH,
GW_MARKER (a file written once the batch is published and not yet marked).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from groundwork.events import EventMessage, connection_for

from backend.config import Settings
from backend.core.db import make_engine
from backend.events.leadership import leadership_for
from backend.events.relay import Relay


class StallingRelay(Relay):
    """Publishes one batch, says so, then hangs where a crash hurts most: before the UPDATE."""

    def _mark(self, events: Sequence[EventMessage]) -> None:
        Path(os.environ["GW_MARKER"]).write_text(",".join(str(e.id) for e in events))
        time.sleep(600)


def main() -> None:
    """Relay until killed."""
    data_dir = Path(os.environ["GW_DATA_DIR"])
    settings = Settings(env="test", database_url=os.environ["GW_DB_URL"], data_dir=data_dir)
    engine = make_engine(settings)
    url = os.environ.get("GW_BROKER_URL") or None
    relay = StallingRelay(engine, lambda: connection_for(url, data_dir, confirm_publish=False),
                          leadership_for(engine, Path(os.environ["GW_LOCK_DIR"])),
                          exchange=os.environ["GW_EXCHANGE"], batch_size=int(os.environ["GW_BATCH"]))
    relay.run(threading.Event())


if __name__ == "__main__":
    main()
