"""A consumer killed in the middle of an event: the event is delivered again (also on the embedded broker)."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from relayhelpers import Broker, Collector, child_env, published, wait_until
from sqlalchemy import Engine

from tests.conftest import Actor

CHILD = Path(__file__).with_name("consumer_child.py")


def test_killed_consumer_event_is_redelivered_in_its_place(
        broker: Broker, engine: Engine, make_user: Callable[..., Actor], tmp_path: Path) -> None:
    queue, expected = published(broker, engine, make_user, tmp_path, "work", 20)
    marker = tmp_path / "handling"
    env = child_env(broker, queue, GW_MARKER=str(marker))
    child = subprocess.Popen([sys.executable, str(CHILD)], env=env)
    try:
        wait_until(marker.exists, timeout=30, what="the child consumer to start on an event")
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    assert int(marker.read_text()) == expected[0]

    collector = Collector(broker, queue, ["#"], tmp_path / "dedup.db").start()
    try:
        wait_until(lambda: len(collector.ids()) == len(expected), what="every event, the killed one included")
    finally:
        collector.close()
    assert collector.ids() == expected  # the interrupted event first, in its place
