"""``groundwork relay``: run the outbox relay alone (``serve`` also runs one; several at once are safe)."""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType
from typing import Annotated

import typer

from backend.cli._context import info, load_settings, open_database
from backend.events.relay import build_relay


def relay(
    once: Annotated[bool, typer.Option("--once", help="publish what is waiting now, then exit")] = False,
) -> None:
    """Publish events from the outbox to the broker (GROUNDWORK_BROKER_URL, or the embedded one) until stopped."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = load_settings()
    broker = "RabbitMQ" if settings.broker_url else f"the embedded broker in {settings.data_dir / 'broker'}"
    with open_database(settings) as engine:
        runner = build_relay(settings, engine)
        if once:
            info(f"relayed {runner.drain()} events to {broker}")
            return
        stop = threading.Event()

        def _stop(_signum: int, _frame: FrameType | None) -> None:
            stop.set()

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        info(f"relaying events to {broker} (exchange {settings.events_exchange}); Ctrl-C stops")
        runner.run(stop)
