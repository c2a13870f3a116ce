"""Loops that run beside the API inside ``groundwork serve`` (the outbox relay, webhook delivery, ...).

Each loop is a thread that runs until ``stop`` is set; the app starts them when it starts and stops
them (waiting a little) when it shuts down. Tests build the app with ``background_workers=False``
and drive the loops themselves.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Engine

from backend.config import Settings
from backend.core.db import make_session_factory
from backend.events.relay import build_relay
from backend.exports.job import EXPORTS
from backend.files.storage import LocalStorage
from backend.imports.job import IMPORTS
from backend.jobs.runner import JobRunner
from backend.webhooks.dispatcher import Dispatcher

log = logging.getLogger(__name__)


@dataclass
class Loop:
    """A named background job: ``target(stop)`` must return soon after ``stop`` is set."""

    name: str
    target: Callable[[threading.Event], None]


def default_loops(settings: Settings, engine: Engine) -> list[Loop]:
    """The loops ``serve`` runs; each feature adds its own here."""
    return [Loop("relay", build_relay(settings, engine).run),
            Loop("webhooks", Dispatcher(settings, make_session_factory(engine)).run),
            Loop("jobs", JobRunner(settings, make_session_factory(engine), LocalStorage(settings.media_dir),
                                   [EXPORTS, IMPORTS], make_session_factory(engine, readonly=True)).run)]


@dataclass
class BackgroundRunner:
    """Starts loops on daemon threads and stops them together."""

    loops: list[Loop]
    stop: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)

    def start(self) -> None:
        """Start every loop; a loop that crashes is logged and does not take the others down."""
        for loop in self.loops:
            thread = threading.Thread(target=self._guard, args=(loop,), name=f"gw-{loop.name}", daemon=True)
            thread.start()
            self.threads.append(thread)

    def _guard(self, loop: Loop) -> None:
        try:
            loop.target(self.stop)
        except Exception:
            log.exception("background loop %s crashed", loop.name)

    def shutdown(self, timeout: float = 10.0) -> None:
        """Ask every loop to stop and wait for them (up to ``timeout`` seconds in all)."""
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=timeout / max(1, len(self.threads)))
