"""An event that crashes the consumer process every time ends in the dead-letter queue, not in a loop."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from groundwork.events import EventMessage
from relayhelpers import Broker, child_env, published
from sqlalchemy import Engine

from tests.conftest import Actor

CHILD = Path(__file__).with_name("poison_child.py")


def test_a_process_killing_event_is_dead_lettered_after_the_attempts(
        broker: Broker, engine: Engine, make_user: Callable[..., Actor], tmp_path: Path) -> None:
    queue, ids = published(broker, engine, make_user, tmp_path, "poison", 5)  # the project's events too
    poison, seen = ids[2], tmp_path / "seen.txt"
    env = child_env(broker, queue, GW_DEDUP=str(tmp_path / "dedup.db"), GW_POISON=str(poison), GW_SEEN=str(seen))
    crashes = 0
    for _ in range(8):  # a supervisor restarting the consumer each time it dies
        child = subprocess.Popen([sys.executable, str(CHILD)], env=env)
        deadline = time.monotonic() + 30
        while child.poll() is None and time.monotonic() < deadline:
            handled = seen.read_text().split() if seen.exists() else []
            if len(handled) == len(ids) - 1:
                break
            time.sleep(0.05)
        if child.poll() is None:
            child.terminate()
            child.wait(timeout=10)
            break
        crashes += 1
    handled = [int(i) for i in seen.read_text().split()]
    assert sorted(handled) == [i for i in ids if i != poison]  # every other event, each once
    # RetryPolicy(max_attempts=3): it killed the first delivery and two redeliveries; the third
    # redelivery reached the limit and went to the dead letters without running the handler
    assert crashes == 3
    (dead,) = broker.dead_letters(queue)
    assert EventMessage.from_json(dead.body).id == poison
    assert "delivered 4 times without an ack" in dead.headers["x-groundwork-error"]
