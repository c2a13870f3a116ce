"""When to retry a request and how long to wait: Retry-After first, else exponential backoff with jitter.

Like openai-python's loop, small and explicit (no retry library is needed for one loop). A request
that may not be repeated safely (POST, PATCH) is retried only when the server certainly did not act
on it: the connection never opened, or the server said 429/503 (it refused before doing anything).
"""

from __future__ import annotations

import email.utils
import random
import time
from dataclasses import dataclass

import httpx

IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRY_ANY = frozenset({408, 429, 500, 502, 503, 504})
RETRY_UNSAFE = frozenset({429, 503})


@dataclass(frozen=True)
class RetryPolicy:
    """``max_retries`` extra attempts; delays grow from ``initial_delay`` to ``max_delay``."""

    max_retries: int = 3
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0  # a longer Retry-After is not waited out: the error is raised instead

    def delay(self, attempt: int, response: httpx.Response | None) -> float | None:
        """Seconds to wait before retry number ``attempt + 1`` (None: do not retry this one)."""
        if response is not None:
            after = retry_after(response.headers)
            if after is not None:
                return after if after <= self.max_retry_after else None
        backoff = min(self.max_delay, self.initial_delay * 2**attempt)
        return float(backoff * (0.5 + random.random() / 2))  # jitter: spread clients that failed together


def retry_after(headers: httpx.Headers, now: float | None = None) -> float | None:
    """Seconds named by ``Retry-After`` (delta seconds or an HTTP date), or ``retry-after-ms``."""
    ms = headers.get("retry-after-ms")
    if ms:
        try:
            return max(0.0, float(ms) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, parsed.timestamp() - (time.time() if now is None else now))


def should_retry_status(method: str, status: int, *, idempotent: bool | None = None) -> bool:
    """Whether a response with this status is worth another attempt (``idempotent`` overrides the method's)."""
    safe = method.upper() in IDEMPOTENT if idempotent is None else idempotent
    return status in (RETRY_ANY if safe else RETRY_UNSAFE)


def should_retry_error(method: str, exc: Exception, *, idempotent: bool | None = None) -> bool:
    """Whether a transport error is worth another attempt (unsafe calls: only if nothing was sent)."""
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return True
    safe = method.upper() in IDEMPOTENT if idempotent is None else idempotent
    return safe and isinstance(exc, httpx.TransportError)
