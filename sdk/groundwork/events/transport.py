"""The embedded broker: kombu's filesystem transport, made ordered and crash-safe.

Used when no broker URL is set, so a laptop needs nothing but Python. It keeps kombu's filesystem
transport for what it does well (exchange bindings persisted in a control folder, so topic routing
works across processes) and replaces its message store, which has three faults for us: files are
named by monotonic milliseconds plus a random uuid (two messages in one millisecond come out in
random order, and the clock restarts at boot), a consumer reads a file while its writer may still be
writing it, and a message is deleted as soon as it is fetched (a consumer killed before its ack loses
it). Here:

- ``queues/<queue>/<key>.msg`` are the ready messages. ``key`` is a zero-padded wall-clock
  nanosecond count forced strictly increasing per process and above every key already waiting in
  the queue, so sorted order is publish order. A file is written under ``tmp/`` and renamed into
  place, so readers never see half a message; ``fsync`` (per message, or per batch with
  ``sync()``) makes it survive a power cut.
- A consumer claims a message by renaming it into ``claims/<owner>/<queue>/``; ``ack`` deletes it,
  ``reject(requeue=True)`` and a clean channel close move it back under its old name (so it keeps
  its place in line). ``claims/<owner>.lock`` is flock-ed by the owning channel for its whole life;
  when a process dies the kernel drops the lock, and the next consumer that looks finds the lock free
  and puts the dead owner's claimed messages back in their queues: a killed consumer's messages are
  delivered again, never lost.
"""

from __future__ import annotations

import ctypes
import fcntl
import json
import os
import shutil
import sys
import threading
import time
import uuid
from pathlib import Path
from queue import Empty
from typing import Any

import kombu
import kombu.transport
from kombu.transport import filesystem

ALIAS = "groundwork-fs"
#: Seconds an idle consumer waits between looks at an empty queue (latency vs. idle wake-ups).
POLLING_INTERVAL = 0.05
#: How often (seconds) a consumer looks for messages claimed by consumers that have died.
RECOVER_EVERY = 2.0

_key_lock = threading.Lock()
_last_key = 0


def _next_key(floor: int) -> int:
    """A nanosecond key above ``floor`` and above every key this process handed out before."""
    global _last_key
    with _key_lock:
        _last_key = max(time.time_ns(), floor + 1, _last_key + 1)
        return _last_key


def _write_atomically(tmp_dir: Path, target: Path, data: bytes, fsync: bool) -> None:
    tmp = tmp_dir / f"{uuid.uuid4().hex}.part"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, data)
        if fsync:
            os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, target)
    if fsync:  # the rename itself must reach the disk too
        _fsync_path(target.parent)


def _fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


_libc = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None


def _sync_filesystem(path: Path) -> None:
    """Flush everything written on the filesystem holding ``path`` (Linux ``syncfs``; else ``sync``)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        if _libc is not None and _libc.syncfs(fd) == 0:
            return
        os.sync()
    finally:
        os.close(fd)


class Channel(filesystem.Channel):  # type: ignore[misc]
    """A filesystem channel with ordered keys, atomic writes and claim-then-ack delivery."""

    def __init__(self, connection: Any, **kwargs: Any) -> None:
        super().__init__(connection, **kwargs)
        options = self.connection.client.transport_options
        self._root = Path(options["root"])
        # True: each message is fsync-ed before publish returns; "batch": only on sync(); False: never.
        self._sync_mode: bool | str = options.get("fsync", True)
        self._fsync = self._sync_mode is True
        self._unsynced = False
        for sub in ("queues", "claims", "tmp", "control"):
            (self._root / sub).mkdir(parents=True, exist_ok=True)
        self._floors: dict[str, int] = {}
        self._ready: dict[str, list[str]] = {}
        self._claimed: dict[str, tuple[str, Path]] = {}
        self._owner: str | None = None
        self._owner_fd: int | None = None
        self._recovered_at = 0.0

    # -- paths -------------------------------------------------------------------------------------
    def _queue_dir(self, queue: str) -> Path:
        if not filesystem.EXCHANGE_NAME_RE.match(queue) or not queue.strip("."):
            raise filesystem.ChannelError(f"invalid queue name: {queue!r}")
        return self._root / "queues" / queue

    # -- publishing --------------------------------------------------------------------------------
    def _put(self, queue: str, payload: dict[str, Any], **kwargs: Any) -> None:
        folder = self._queue_dir(queue)
        if queue not in self._floors:  # keys must also beat what a previous boot left waiting
            folder.mkdir(parents=True, exist_ok=True)
            names = [n for n in os.listdir(folder) if n.endswith(".msg")]
            self._floors[queue] = int(max(names)[:20]) if names else 0
        key = _next_key(self._floors[queue])
        name = f"{key:020d}-{os.getpid():x}.msg"
        data = json.dumps(payload).encode()
        try:
            _write_atomically(self._root / "tmp", folder / name, data, self._fsync)
        except FileNotFoundError:  # the queue was deleted meanwhile: recreate it, as a declare would
            folder.mkdir(parents=True, exist_ok=True)
            _write_atomically(self._root / "tmp", folder / name, data, self._fsync)
        self._unsynced = self._sync_mode == "batch"

    def sync(self) -> None:
        """Make every message this channel published since the last sync durable (one ``syncfs``)."""
        if self._unsynced:
            _sync_filesystem(self._root)
            self._unsynced = False

    def _put_fanout(self, exchange: str, payload: dict[str, Any], routing_key: str, **kwargs: Any) -> None:
        for binding in self.get_table(exchange):
            self._put(binding.queue, payload, **kwargs)

    # -- consuming ---------------------------------------------------------------------------------
    def _claim_dir(self) -> Path:
        if self._owner is None:
            owner = uuid.uuid4().hex
            claims = self._root / "claims"
            tmp = claims / f".{owner}.tmp"
            fd = os.open(tmp, os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(fd, fcntl.LOCK_EX)
            (claims / owner).mkdir()
            os.replace(tmp, claims / f"{owner}.lock")  # only now may others see it (already locked)
            self._owner, self._owner_fd = owner, fd
            self.recover_orphans()
        return self._root / "claims" / self._owner

    def recover_orphans(self) -> int:
        """Put back the messages claimed by consumers that died before acking them; how many."""
        self._recovered_at = time.monotonic()
        claims = self._root / "claims"
        restored = 0
        for lock_file in claims.glob("*.lock"):
            owner = lock_file.stem
            if owner == self._owner:
                continue
            try:
                fd = os.open(lock_file, os.O_RDWR)
            except FileNotFoundError:
                continue
            try:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # its owner is alive
                restored += self._restore_owner(claims / owner)
                lock_file.unlink(missing_ok=True)
            finally:
                os.close(fd)
        return restored

    def _restore_owner(self, folder: Path) -> int:
        restored = 0
        for queue_dir in folder.glob("*"):
            target = self._queue_dir(queue_dir.name)
            target.mkdir(parents=True, exist_ok=True)
            for msg in queue_dir.glob("*.msg"):
                payload = json.loads(msg.read_bytes())
                payload["redelivered"] = True
                payload["properties"].setdefault("delivery_info", {})["redelivered"] = True
                _write_atomically(self._root / "tmp", target / msg.name, json.dumps(payload).encode(), True)
                msg.unlink()
                restored += 1
            shutil.rmtree(queue_dir, ignore_errors=True)
        shutil.rmtree(folder, ignore_errors=True)
        return restored

    def _get(self, queue: str, timeout: float | None = None) -> dict[str, Any]:
        claim_dir = self._claim_dir() / queue
        source = self._queue_dir(queue)
        for _ in range(2):  # a stale listing may be all taken by others: list again once
            ready = self._ready.get(queue)
            fresh = not ready
            if fresh:
                if time.monotonic() - self._recovered_at > RECOVER_EVERY:
                    self.recover_orphans()
                try:
                    ready = sorted((n for n in os.listdir(source) if n.endswith(".msg")), reverse=True)
                except FileNotFoundError:
                    ready = []
                self._ready[queue] = ready
            while ready:
                name = ready.pop()
                claim_dir.mkdir(parents=True, exist_ok=True)
                try:
                    os.rename(source / name, claim_dir / name)
                except FileNotFoundError:
                    continue  # another consumer claimed it first
                payload: dict[str, Any] = json.loads((claim_dir / name).read_bytes())
                tag = uuid.uuid4().hex  # per delivery: the same message may reach several queues
                payload["properties"]["delivery_tag"] = tag
                self._claimed[tag] = (queue, claim_dir / name)
                return payload
            if fresh:
                break
        raise Empty()

    def basic_ack(self, delivery_tag: str, multiple: bool = False) -> None:
        """Acknowledge: the claimed file is deleted, the message is done."""
        super().basic_ack(delivery_tag, multiple=multiple)
        claimed = self._claimed.pop(delivery_tag, None)
        if claimed is not None:
            claimed[1].unlink(missing_ok=True)

    def basic_reject(self, delivery_tag: str, requeue: bool = False) -> None:
        """Reject: requeue puts the message back in its place, otherwise it is dropped."""
        super().basic_reject(delivery_tag, requeue=requeue)  # requeue goes through _restore below
        claimed = self._claimed.pop(delivery_tag, None)
        if claimed is not None:
            claimed[1].unlink(missing_ok=True)

    def _restore(self, message: Any) -> None:
        claimed = self._claimed.pop(message.delivery_tag, None)
        if claimed is None:
            super()._restore(message)
            return
        queue, path = claimed
        try:
            os.rename(path, self._queue_dir(queue) / path.name)
        except FileNotFoundError:
            return
        self._ready.pop(queue, None)  # it is back in line, ahead of what we had listed

    # -- queue management --------------------------------------------------------------------------
    def _new_queue(self, queue: str, **kwargs: Any) -> None:
        self._queue_dir(queue).mkdir(parents=True, exist_ok=True)

    def _has_queue(self, queue: str, **kwargs: Any) -> bool:
        return self._queue_dir(queue).is_dir()

    def _size(self, queue: str) -> int:
        try:
            return sum(1 for n in os.listdir(self._queue_dir(queue)) if n.endswith(".msg"))
        except FileNotFoundError:
            return 0

    def _purge(self, queue: str) -> int:
        count = 0
        folder = self._queue_dir(queue)
        for name in os.listdir(folder) if folder.is_dir() else []:
            try:
                (folder / name).unlink()
                count += 1
            except FileNotFoundError:
                pass
        self._ready.pop(queue, None)
        return count

    def _delete(self, queue: str, *args: Any, **kwargs: Any) -> None:
        super()._delete(queue, *args, **kwargs)
        shutil.rmtree(self._queue_dir(queue), ignore_errors=True)
        self._ready.pop(queue, None)

    def close(self) -> None:
        """Close: unacked messages go back to their queues, then the claim is given up."""
        super().close()  # restores unacked messages through _restore
        if self._owner is not None and self._owner_fd is not None:
            claims = self._root / "claims"
            shutil.rmtree(claims / self._owner, ignore_errors=True)
            (claims / f"{self._owner}.lock").unlink(missing_ok=True)
            os.close(self._owner_fd)
            self._owner = self._owner_fd = None


class Transport(filesystem.Transport):  # type: ignore[misc]
    """The embedded transport (alias ``groundwork-fs``); transport option ``root`` is its folder."""

    Channel = Channel
    driver_type = "filesystem"
    driver_name = ALIAS
    polling_interval = POLLING_INTERVAL


kombu.transport.TRANSPORT_ALIASES[ALIAS] = f"{__name__}:Transport"


def embedded_connection(root: Path, *, fsync: bool | str = True) -> kombu.Connection:
    """A connection to the embedded broker whose files live under ``root`` (created if needed).

    ``fsync``: True makes each message durable before ``publish`` returns; ``"batch"`` leaves that
    to ``channel.sync()`` (one filesystem flush for a whole batch: what the relay does); False never
    flushes (tests, throw-away data).
    """
    root.mkdir(parents=True, exist_ok=True)
    return kombu.Connection(transport=ALIAS, transport_options={
        "root": str(root), "control_folder": str(root / "control"), "fsync": fsync})


def connection_for(broker_url: str | None, data_dir: Path, *, confirm_publish: bool = True) -> kombu.Connection:
    """RabbitMQ when ``broker_url`` is set, else the embedded broker in ``data_dir/broker``.

    ``confirm_publish``: each publish returns once the broker has the message (RabbitMQ's confirm;
    an fsync on the embedded broker). False is for a caller that confirms per batch itself (the
    relay: awaiting RabbitMQ's acks, or ``channel.sync()`` on the embedded broker).
    """
    if broker_url:
        return kombu.Connection(broker_url, transport_options={"confirm_publish": confirm_publish})
    return embedded_connection(Path(data_dir) / "broker", fsync=True if confirm_publish else "batch")
