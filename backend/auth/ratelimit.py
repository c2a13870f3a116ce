"""Login throttling with the ``limits`` library (in-memory by default; ``redis://`` for many replicas)."""

from __future__ import annotations

import math
import time

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from backend.core.errors import TooManyRequests


class LoginThrottle:
    """Refuses a login once an (IP, email) pair, or an IP alone, has tried too often."""

    def __init__(self, rate: str, storage_uri: str) -> None:
        self._per_pair = parse(rate)
        amount = self._per_pair.amount * 5
        self._per_ip = parse(f"{amount}/{self._per_pair.GRANULARITY.name}")
        self._limiter = MovingWindowRateLimiter(storage_from_string(storage_uri))

    def hit(self, ip: str, email: str) -> None:
        """Count one attempt, or raise 429 with Retry-After if over the limit."""
        for item, keys in ((self._per_pair, ("login", ip, email)), (self._per_ip, ("login-ip", ip))):
            if not self._limiter.hit(item, *keys):
                reset_at, _ = self._limiter.get_window_stats(item, *keys)
                retry = max(1, math.ceil(reset_at - time.time()))
                raise TooManyRequests("too many login attempts; try again later",
                                      headers={"Retry-After": str(retry)})
