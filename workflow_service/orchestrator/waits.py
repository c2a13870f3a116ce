"""Waiting: steps that complete when people finish tasks, and aggregates that gather inputs across runs."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from groundwork.workflows.spec import Wait


def task_ids_of(value: Any) -> list[int]:
    """Task ids in a value: a list of ids (nested lists flattened) or a mapping with ``tasks``."""
    if isinstance(value, dict):
        return task_ids_of(value.get("tasks", []))
    if isinstance(value, list):
        return [t for v in value for t in (task_ids_of(v) if isinstance(v, list | dict) else [int(v)])]
    return []


@dataclass
class _TaskWait:
    run_id: int
    key: str
    pending: set[int]
    done_statuses: frozenset[str]


class TaskWaits:
    """Steps waiting for tasks; ``task_changed`` says which steps just became complete."""

    def __init__(self) -> None:
        self._waits: dict[tuple[int, str], _TaskWait] = {}
        self._by_task: dict[int, set[tuple[int, str]]] = {}
        self.known: dict[int, str] = {}  # task id -> last status seen in an event

    def add(self, run_id: int, key: str, tasks: Iterable[int], done_statuses: Iterable[str]) -> bool:
        """Wait for ``tasks``; True when there is nothing to wait for (all already done)."""
        done = frozenset(done_statuses)
        pending = {t for t in tasks if self.known.get(t) not in done}
        if not pending:
            return True
        self._waits[(run_id, key)] = _TaskWait(run_id, key, pending, done)
        for t in pending:
            self._by_task.setdefault(t, set()).add((run_id, key))
        return False

    def task_changed(self, task_id: int, status: str) -> list[tuple[int, str]]:
        """Record a task's new status; the (run, step) pairs it completed."""
        self.known[task_id] = status
        if len(self.known) > 200_000:  # a bounded memory of statuses: forget the oldest half
            for old in list(self.known)[:100_000]:
                del self.known[old]
        completed = []
        for ref in list(self._by_task.get(task_id, ())):
            wait = self._waits.get(ref)
            if wait is None or status not in wait.done_statuses:
                continue
            wait.pending.discard(task_id)
            self._by_task[task_id].discard(ref)
            if not wait.pending:
                del self._waits[ref]
                completed.append(ref)
        if not self._by_task.get(task_id):
            self._by_task.pop(task_id, None)
        return completed

    def drop_run(self, run_id: int) -> None:
        """Forget a run's waits (cancelled or finished)."""
        for ref in [r for r in self._waits if r[0] == run_id]:
            for t in self._waits.pop(ref).pending:
                self._by_task.get(t, set()).discard(ref)


@dataclass
class _Entry:
    run_id: int
    value: Any
    weight: int


@dataclass
class _Gathering:
    wait: Wait
    entries: list[_Entry] = field(default_factory=list)
    opened_at: float = 0.0


@dataclass
class Fired:
    """An aggregate that is complete: ``winner`` continues with ``value``; ``merged`` runs skip the value."""

    winner: int
    key: str
    value: list[Any]
    merged: list[int]


class Aggregates:
    """``wait: {events | tasks_completed | window}``: gather a value's inputs across runs of a workflow."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._gatherings: dict[tuple[int, str], _Gathering] = {}

    def add(self, workflow_id: int, key: str, wait: Wait, run_id: int, value: Any, weight: int) -> Fired | None:
        """Add one run's input; returns the firing when the aggregate is complete."""
        g = self._gatherings.get((workflow_id, key))
        if g is None:
            g = self._gatherings[(workflow_id, key)] = _Gathering(wait, opened_at=self.clock())
        if any(e.run_id == run_id for e in g.entries):
            return None
        g.entries.append(_Entry(run_id, value, weight))
        if (wait.events is not None and len(g.entries) >= wait.events) or (
                wait.tasks_completed is not None and sum(e.weight for e in g.entries) >= wait.tasks_completed):
            return self._fire(workflow_id, key)
        return None

    def due(self) -> list[Fired]:
        """Time windows that have closed."""
        now = self.clock()
        return [self._fire(*k) for k, g in list(self._gatherings.items())
                if g.wait.window is not None and now - g.opened_at >= g.wait.window]

    def drop_run(self, run_id: int) -> None:
        """Forget a cancelled run's contributions."""
        for g in self._gatherings.values():
            g.entries = [e for e in g.entries if e.run_id != run_id]

    def _fire(self, workflow_id: int, key: str) -> Fired:
        g = self._gatherings.pop((workflow_id, key))
        values: list[Any] = []
        for e in g.entries:
            values.extend(e.value if isinstance(e.value, list) else [e.value])
        return Fired(winner=g.entries[-1].run_id, key=key, value=values, merged=[e.run_id for e in g.entries[:-1]])
