"""Events: the wire format, the embedded broker, and a consumer with retries, dead letters and dedup.

Importing this package needs the ``events`` extra (``pip install "groundwork-sdk[events]"``).
"""

from groundwork.events.consumer import (
    ATTEMPT_HEADER,
    ATTEMPTS_HEADER,
    ERROR_HEADER,
    Consumer,
    ConsumerStats,
    Handler,
    Reject,
    RetryPolicy,
)
from groundwork.events.envelope import EXCHANGE, PROJECT_HEADER, EventMessage
from groundwork.events.idempotency import IdempotencyStore, MemoryIdempotencyStore, SqlIdempotencyStore
from groundwork.events.transport import connection_for, embedded_connection

__all__ = [
    "ATTEMPTS_HEADER",
    "ATTEMPT_HEADER",
    "ERROR_HEADER",
    "EXCHANGE",
    "PROJECT_HEADER",
    "Consumer",
    "ConsumerStats",
    "EventMessage",
    "Handler",
    "IdempotencyStore",
    "MemoryIdempotencyStore",
    "Reject",
    "RetryPolicy",
    "SqlIdempotencyStore",
    "connection_for",
    "embedded_connection",
]
