"""One webhook request: the signed JSON body, sent through the SSRF guard to the checked address."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version

import httpx

from backend.config import Settings
from backend.core import net
from backend.core.types import utcnow
from backend.events.models import Event
from backend.webhooks.schemas import EventEnvelope
from backend.webhooks.service import address_policy
from backend.webhooks.signing import SIGNATURE_HEADER, signature_header

EXCERPT_BYTES = 1024

try:
    USER_AGENT = f"Groundwork-Webhooks/{version('groundwork')}"
except PackageNotFoundError:  # running from a source tree that was never installed
    USER_AGENT = "Groundwork-Webhooks/dev"


def envelope_bytes(event: Event) -> bytes:
    """The request body for an event: the same bytes on every attempt."""
    return EventEnvelope.model_validate(event).model_dump_json().encode()


@dataclass(frozen=True)
class Job:
    """Everything one attempt needs, read while the delivery was claimed."""

    delivery_id: int
    attempt: int
    max_attempts: int
    subscription_id: int
    url: str
    secrets: list[str]
    event_id: int
    event_type: str
    body: bytes
    problem: str | None = None  # why the request cannot even be signed

    @classmethod
    def build(cls, *, delivery_id: int, attempt: int, max_attempts: int, subscription_id: int, url: str,
              secrets: list[str], event: Event, problem: str | None) -> Job:
        """A job for one delivery attempt of ``event``."""
        return cls(delivery_id=delivery_id, attempt=attempt, max_attempts=max_attempts,
                   subscription_id=subscription_id, url=url, secrets=secrets, event_id=event.id,
                   event_type=event.type, body=envelope_bytes(event), problem=problem)

    def headers(self, timestamp: int) -> dict[str, str]:
        """Request headers, the signature over ``timestamp`` and the body included."""
        return {"Content-Type": "application/json", "User-Agent": USER_AGENT,
                "Groundwork-Event-Id": str(self.event_id), "Groundwork-Event-Type": self.event_type,
                "Groundwork-Delivery-Id": str(self.delivery_id), "Groundwork-Delivery-Attempt": str(self.attempt),
                SIGNATURE_HEADER: signature_header(self.secrets, timestamp, self.body)}


@dataclass(frozen=True)
class Outcome:
    """What one attempt got: a status code or an error, how long it took, the start of the answer."""

    started_at: datetime
    latency_ms: int
    status_code: int | None = None
    error: str | None = None
    excerpt: str | None = None
    retry_after_s: float | None = None

    @property
    def ok(self) -> bool:
        """A 2xx answer."""
        return self.status_code is not None and 200 <= self.status_code < 300


def _excerpt(response: httpx.Response) -> str:
    data = bytearray()
    try:
        for chunk in response.iter_bytes():
            data += chunk
            if len(data) >= EXCERPT_BYTES:
                break
    except httpx.HTTPError:
        pass  # the status code is what counts; a body cut short is still worth showing
    return bytes(data[:EXCERPT_BYTES]).decode("utf-8", "replace")


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "")
    return float(value) if response.status_code in (429, 503) and value.isdigit() else None


def _error_for(status: int) -> str | None:
    if 200 <= status < 300:
        return None
    if 300 <= status < 400:
        return f"HTTP {status} (redirects are not followed)"
    return f"HTTP {status}"


def post(job: Job, settings: Settings) -> Outcome:
    """POST the job's body; every failure (refused address, timeout, non-2xx) comes back as an Outcome."""
    started_at, start = utcnow(), time.monotonic()

    def elapsed() -> int:
        return round((time.monotonic() - start) * 1000)

    if job.problem:
        return Outcome(started_at=started_at, latency_ms=0, error=job.problem)
    try:
        # Checked again at send time: the name may resolve elsewhere now than when it was saved.
        target = net.check_url(job.url, policy=address_policy(settings))
        with net.open_pinned("POST", target, timeout=settings.webhook_timeout_s,
                             headers=job.headers(int(time.time())), content=job.body) as response:
            excerpt = _excerpt(response)
            return Outcome(started_at=started_at, latency_ms=elapsed(), status_code=response.status_code,
                           error=_error_for(response.status_code), excerpt=excerpt,
                           retry_after_s=_retry_after(response))
    except net.UrlRefused as exc:
        return Outcome(started_at=started_at, latency_ms=elapsed(), error=f"refused: {exc}"[:1000])
    except net.FetchFailed as exc:
        return Outcome(started_at=started_at, latency_ms=elapsed(), error=str(exc)[:1000])
