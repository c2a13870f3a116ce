"""Progress reporting for long calls (uploads): pluggable, with a rich bar when rich is installed."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Protocol


class ProgressCallback(Protocol):
    """Called after each finished piece of work with the running total."""

    def __call__(self, done: int, total: int) -> None:
        """``done`` of ``total`` units are finished."""


ProgressArg = bool | ProgressCallback | Callable[[int, int], None] | None


@contextmanager
def progress_reporter(progress: ProgressArg, description: str, total: int) -> Iterator[Callable[[int], None]]:
    """An ``advance(n)`` function for the chosen reporter: none, a callback, or a bar on stderr."""
    if not progress:
        yield lambda n: None
        return
    if callable(progress):
        done = 0
        callback = progress

        def advance(n: int) -> None:
            nonlocal done
            done += n
            callback(done, total)

        yield advance
        return
    try:
        from rich.progress import Progress  # optional: a bar when rich is installed
    except ImportError:  # pragma: no cover - rich is usually present
        yield _plain(description, total)
        return
    with Progress(transient=False) as bar:
        task = bar.add_task(description, total=total)
        yield lambda n: bar.advance(task, n)


def _plain(description: str, total: int) -> Callable[[int], None]:
    done = 0

    def advance(n: int) -> None:
        nonlocal done
        done += n
        print(f"\r{description}: {done}/{total}", end="\n" if done >= total else "", file=sys.stderr, flush=True)

    return advance
