"""Fewer system calls per message on py-amqp connections (kombu's ``amqp://`` transport).

py-amqp reads every frame with two or three exact-size ``recv`` calls (a message is three frames)
and writes every frame with its own ``sendall``. Under load that is most of a consumer's and a
relay's time. Small adjustments, through attributes and methods py-amqp itself uses:
- read ahead: its TCP transport keeps a read buffer and calls ``_quick_recv(n)`` to fill it; asking
  the socket for up to 16 KiB instead of exactly ``n`` bytes leaves the rest buffered for the next
  frames (``recv`` still returns as soon as anything has arrived, so latency is unchanged);
- gather writes: ``Connection.frame_writer`` is replaced by py-amqp's own writer over a
  ``Coalescer``, which sends straight through unless a batch is being gathered (the relay's
  publishes, a consumer's acks for the deliveries it read in one go);
- read what is already buffered without a timed wait: each ``drain_events(timeout=...)`` sets the
  socket's timeout and puts it back around every frame it reads (two system calls a frame, six a
  message); ``read_buffered_frame`` reads one frame that is already whole in the read-ahead buffer,
  through py-amqp's own ``blocking_read``, without touching the socket.
"""

from __future__ import annotations

import socket
import struct
from typing import Any

import amqp.method_framing
import amqp.transport
import kombu

READ_AHEAD = 16384


class Coalescer:
    """Stands in for the transport in py-amqp's frame writer: while ``buffer`` is set, frames gather there."""

    def __init__(self, transport: Any) -> None:
        self.transport = transport
        self.buffer: bytearray | None = None

    def write(self, data: Any) -> None:
        """Send now, or add to the batch (copied: py-amqp reuses its frame buffer)."""
        if self.buffer is None:
            self.transport.write(data)
        else:
            self.buffer += data

    def gather(self) -> None:
        """Start gathering frames."""
        if self.buffer is None:
            self.buffer = bytearray()

    def flush(self) -> None:
        """Send what was gathered in one write and stop gathering."""
        data, self.buffer = self.buffer, None
        if data:
            self.transport.write(data)


def tune(connection: kombu.Connection) -> Coalescer | None:
    """Tune a connected amqp connection; returns its write ``Coalescer`` (None for other transports)."""
    if connection.transport.driver_type != "amqp":
        return None
    raw = connection.connection
    transport = raw.transport
    if isinstance(transport, amqp.transport.TCPTransport) and isinstance(transport.sock, socket.socket):
        recv = transport.sock.recv
        transport._quick_recv = lambda n: recv(max(n, READ_AHEAD))
    coalescer = Coalescer(transport)
    raw.frame_writer = amqp.method_framing.frame_writer(raw, coalescer)
    return coalescer


_FRAME_HEADER = struct.Struct(">BHI")  # type, channel, payload size; then the payload and one end byte


def read_buffered_frame(connection: kombu.Connection) -> bool:
    """Process one frame if a whole one is already in the read-ahead buffer (never blocks); whether it did."""
    if connection.transport.driver_type != "amqp":
        return False
    raw = connection.connection
    buffered = getattr(raw.transport, "_read_buffer", b"")
    if len(buffered) < _FRAME_HEADER.size or len(buffered) < _FRAME_HEADER.size + 1 + _FRAME_HEADER.unpack_from(
            buffered)[2]:
        return False
    raw.blocking_read(None)  # the socket is not read: the frame is there
    return True
