"""Network helpers the test suites share: a free local port, and whether a broker is listening."""

from __future__ import annotations

import socket
from urllib.parse import urlparse


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def reachable(url: str, default_port: int = 5672) -> bool:
    """Whether something accepts TCP connections at the URL's host and port (within a second)."""
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=1):
            return True
    except OSError:
        return False
