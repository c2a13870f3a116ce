"""Exactly one active relay: a lock that the process holds while it relays and loses when it dies.

PostgreSQL: a session-level advisory lock held on a dedicated connection (the server drops it when
the connection goes, so a killed relay frees it at once). SQLite (one machine by nature): an
exclusive ``flock`` on ``<data_dir>/relay.lock`` (the kernel drops it when the process dies).
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import Protocol

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

#: Advisory lock key: "gw-relay" as a number, so that other applications on the server do not collide.
ADVISORY_KEY = int.from_bytes(b"gw-relay", "big") & 0x7FFF_FFFF_FFFF_FFFF


class Leadership(Protocol):
    """A lock only one relay can hold at a time."""

    def try_acquire(self) -> bool:
        """Take the lock if it is free; never blocks."""
        ...

    def held(self) -> bool:
        """Whether the lock is still ours (False after the connection holding it broke)."""
        ...

    def release(self) -> None:
        """Give the lock up (harmless if not held)."""
        ...


class AdvisoryLock:
    """``pg_try_advisory_lock`` on a connection kept out of the pool for as long as the lock is held."""

    def __init__(self, engine: Engine, key: int = ADVISORY_KEY) -> None:
        self.engine, self.key = engine, key
        self._conn: Connection | None = None

    def try_acquire(self) -> bool:
        """Take the advisory lock if no other session has it."""
        if self._conn is not None:
            return True
        conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            got = bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key}).scalar())
        except BaseException:
            conn.invalidate()
            conn.close()
            raise
        if not got:
            conn.close()
            return False
        self._conn = conn
        return True

    def held(self) -> bool:
        """Ping the lock's connection: if it broke, the server has already let the lock go."""
        if self._conn is None:
            return False
        try:
            self._conn.execute(text("SELECT 1"))
            return True
        except DBAPIError:
            self.release()
            return False

    def release(self) -> None:
        """Close the lock's connection for good (not back to the pool), which frees the lock."""
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.invalidate()
            conn.close()


class FileLock:
    """An exclusive, non-blocking ``flock`` on a file in the data directory."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def try_acquire(self) -> bool:
        """Take the lock if no other relay (thread or process) holds it."""
        if self._fd is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def held(self) -> bool:
        """A flock cannot be lost while the descriptor is open."""
        return self._fd is not None

    def release(self) -> None:
        """Unlock and close the file."""
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)  # closing the only descriptor drops the flock


def leadership_for(engine: Engine, data_dir: Path) -> Leadership:
    """The advisory lock on PostgreSQL, a file lock next to the SQLite database otherwise."""
    if engine.dialect.name == "postgresql":
        return AdvisoryLock(engine)
    return FileLock(data_dir / "relay.lock")
