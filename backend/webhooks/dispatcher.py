"""Webhook delivery, fed from the outbox table (no broker needed, nothing lost while the process is down).

Two steps, each safe to run in several processes at once:

* ``fan_out_once``: read outbox events past a cursor and queue one delivery per matching active
  subscription (unique per subscription and event, so a second pass queues nothing twice). The
  cursor row is locked (``SELECT ... FOR UPDATE``; SQLite serialises writers), so one dispatcher
  fans out at a time.
* ``send_due_once``: claim due deliveries (``FOR UPDATE SKIP LOCKED``), mark them ``sending`` with a
  lease, commit, POST them through the SSRF guard's pinned connection, then record each outcome:
  success, a retry with exponential backoff and full jitter, or ``dead``. A run of dead deliveries
  auto-disables the subscription with a ``webhook.disabled`` event.
"""

from __future__ import annotations

import logging
import math
import random
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from backend.config import Settings
from backend.core.db import transaction
from backend.core.types import utcnow
from backend.events.models import Event
from backend.events.service import record
from backend.webhooks import repository
from backend.webhooks.models import DeliveryStatus, WebhookAttempt, WebhookSubscription
from backend.webhooks.sender import Job, Outcome, post
from backend.webhooks.service import TEST_EVENT, matches
from backend.webhooks.signing import SecretUnreadable, unseal

log = logging.getLogger(__name__)

FANOUT_BATCH = 500
SEND_BATCH = 32
SEND_WORKERS = 8
POLL_S = 0.5
# PostgreSQL hands out ids at insert but transactions commit in any order, so a smaller id can
# become visible after a larger one was read. Missing ids are re-checked for this long, then
# taken for rolled back.
GAP_TIMEOUT_S = 300.0
MAX_GAP_RUN = 1000  # a longer run of missing ids is a sequence jump, not transactions in flight
MAX_GAPS = 10000

Factory = sessionmaker[Session]


def backoff_s(attempt: int, base: float, cap: float, retry_after: float | None = None) -> float:
    """Delay before the attempt after ``attempt``: full jitter over ``min(cap, base * 2**(attempt-1))``."""
    ceiling = min(cap, base * 2 ** min(attempt - 1, 60))
    delay = random.uniform(0, ceiling)
    if retry_after is not None:  # the receiver asked for a pause (429/503 Retry-After)
        delay = max(delay, min(retry_after, cap))
    return delay


# --- fan-out -------------------------------------------------------------------------------------

def _wants(sub: WebhookSubscription, event: Event) -> bool:
    if event.type == TEST_EVENT:  # a ping goes to the one subscription it tests
        return bool(event.payload.get("webhook_id") == sub.id)
    return event.occurred_at >= sub.created_at and matches(event.type, sub.event_types)


def _queue(session: Session, events: list[Event]) -> int:
    subs: dict[int, list[WebhookSubscription]] = defaultdict(list)
    for sub in repository.active_subscriptions(session, {e.project_id for e in events if e.project_id}):
        subs[sub.project_id].append(sub)
    now = utcnow()
    rows: list[dict[str, Any]] = [
        {"subscription_id": sub.id, "event_id": event.id, "event_type": event.type,
         "status": DeliveryStatus.pending, "attempts": 0, "max_attempts": 1 if event.type == TEST_EVENT else None,
         "next_attempt_at": now, "created_at": now, "updated_at": now}
        for event in events if event.project_id for sub in subs[event.project_id] if _wants(sub, event)]
    repository.insert_deliveries(session, rows)
    return len(rows)


def fan_out_once(factory: Factory, *, batch: int = FANOUT_BATCH, gap_timeout_s: float = GAP_TIMEOUT_S) -> int:
    """Queue deliveries for the next batch of outbox events (and late commits); how many events were read."""
    with transaction(factory) as session:
        cursor = repository.lock_cursor(session)
        clock = time.time()
        gaps = {int(i): float(t) for i, t in cursor.gaps}
        late = repository.events_by_ids(session, sorted(gaps)) if gaps else []
        for event in late:
            gaps.pop(event.id, None)
        last = cursor.last_event_id
        fresh = repository.events_after(session, last, batch)
        if not fresh and last and repository.max_event_id(session) < last:
            # The newest events were deleted (a project went). SQLite then hands their ids out
            # again (the table has no AUTOINCREMENT): step back so those new events are not skipped.
            last = repository.max_event_id(session)
        for event in fresh:
            if 0 < event.id - last - 1 <= MAX_GAP_RUN:
                gaps.update((i, clock) for i in range(last + 1, event.id))
            last = event.id
        kept = [[i, t] for i, t in sorted(gaps.items()) if clock - t < gap_timeout_s][-MAX_GAPS:]
        _queue(session, late + fresh)
        if last != cursor.last_event_id or kept != cursor.gaps:
            cursor.last_event_id, cursor.gaps = last, kept
        return len(fresh) + len(late)


# --- sending -------------------------------------------------------------------------------------

def _secrets(settings: Settings, sub: WebhookSubscription, now: datetime) -> list[str]:
    found = [unseal(settings, sub.secret_encrypted)]
    expires = sub.previous_secret_expires_at
    if sub.previous_secret_encrypted and expires is not None and expires > now:
        found.append(unseal(settings, sub.previous_secret_encrypted))
    return found


def _claim(factory: Factory, settings: Settings, limit: int) -> list[Job]:
    jobs: list[Job] = []
    with transaction(factory) as session:
        now = utcnow()
        rows = repository.claim_due(session, now, limit)
        # Long enough for every claimed request to finish; a dispatcher that dies mid-send leaves
        # its claims to be retried once the lease runs out.
        rounds = math.ceil(len(rows) / SEND_WORKERS)
        lease = timedelta(seconds=30 + 3 * settings.webhook_timeout_s * rounds)
        for delivery, sub, event in rows:
            delivery.status, delivery.attempts = DeliveryStatus.sending, delivery.attempts + 1
            delivery.next_attempt_at = now + lease
            try:
                keys, problem = _secrets(settings, sub, now), None
            except SecretUnreadable as exc:
                keys, problem = [], f"{exc}; rotate the webhook's secret"
            jobs.append(Job.build(delivery_id=delivery.id, attempt=delivery.attempts,
                                  max_attempts=delivery.max_attempts or settings.webhook_max_attempts,
                                  subscription_id=sub.id, url=sub.url, secrets=keys, event=event,
                                  problem=problem))
    return jobs


def _disable_if_due(session: Session, settings: Settings, job: Job, error: str | None, now: datetime) -> None:
    failures = repository.add_failure(session, job.subscription_id)
    if failures < settings.webhook_disable_after:
        return
    reason = f"{failures} deliveries in a row failed every attempt (last: {error})"[:500]
    if repository.disable(session, job.subscription_id, reason, now):
        sub = session.get(WebhookSubscription, job.subscription_id)
        log.warning("webhook %s disabled: %s", job.subscription_id, reason)
        record(session, "webhook.disabled", project_id=sub.project_id if sub else None, actor_id=None,
               payload={"webhook_id": job.subscription_id, "reason": reason, "consecutive_failures": failures})


def _settle(factory: Factory, settings: Settings, job: Job, outcome: Outcome) -> None:
    with transaction(factory) as session:
        delivery = repository.delivery_for_update(session, job.delivery_id)
        if delivery is None:  # the subscription was deleted meanwhile
            return
        session.add(WebhookAttempt(delivery_id=delivery.id, number=job.attempt, started_at=outcome.started_at,
                                   status_code=outcome.status_code, error=outcome.error,
                                   latency_ms=outcome.latency_ms, response_excerpt=outcome.excerpt))
        if delivery.status != DeliveryStatus.sending or delivery.attempts != job.attempt:
            return  # our lease ran out and another claim took over: that one decides
        now = utcnow()
        delivery.last_status_code, delivery.last_error = outcome.status_code, outcome.error
        delivery.last_latency_ms = outcome.latency_ms
        counts = job.event_type != TEST_EVENT  # pings never disable (or vouch for) an endpoint
        if outcome.ok:
            delivery.status, delivery.delivered_at, delivery.next_attempt_at = DeliveryStatus.succeeded, now, None
            if counts:
                repository.reset_failures(session, job.subscription_id)
        elif delivery.attempts >= job.max_attempts:
            delivery.status, delivery.next_attempt_at = DeliveryStatus.dead, None
            if counts:
                _disable_if_due(session, settings, job, outcome.error, now)
        else:
            delay = backoff_s(delivery.attempts, settings.webhook_backoff_base_s, settings.webhook_backoff_cap_s,
                              outcome.retry_after_s)
            delivery.status, delivery.next_attempt_at = DeliveryStatus.failed, now + timedelta(seconds=delay)


def _deliver(factory: Factory, settings: Settings, job: Job) -> None:
    outcome = post(job, settings)
    log.info("webhook delivery %s attempt %s to subscription %s: %s in %d ms", job.delivery_id, job.attempt,
             job.subscription_id, outcome.status_code or outcome.error, outcome.latency_ms)
    _settle(factory, settings, job, outcome)


def send_due_once(factory: Factory, settings: Settings, *, limit: int = SEND_BATCH) -> int:
    """Claim up to ``limit`` due deliveries, send them concurrently, record each outcome; how many were sent."""
    jobs = _claim(factory, settings, limit)
    if len(jobs) == 1:
        _deliver(factory, settings, jobs[0])
    elif jobs:
        with ThreadPoolExecutor(max_workers=min(len(jobs), SEND_WORKERS), thread_name_prefix="gw-webhook") as pool:
            for future in [pool.submit(_deliver, factory, settings, job) for job in jobs]:
                future.result()
    return len(jobs)


@dataclass
class Dispatcher:
    """The background loop: fan out, send what is due, sleep briefly when idle."""

    settings: Settings
    factory: Factory

    def run(self, stop: threading.Event) -> None:
        """Run until ``stop`` is set; a failing pass (database away) is logged and retried after a pause."""
        while not stop.is_set():
            try:
                fanned = fan_out_once(self.factory)
                sent = send_due_once(self.factory, self.settings)
            except Exception:
                log.exception("webhook dispatcher pass failed; retrying")
                stop.wait(5.0)
                continue
            if fanned < FANOUT_BATCH and sent < SEND_BATCH:
                stop.wait(POLL_S)
