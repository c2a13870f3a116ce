"""SQL for webhook subscriptions, deliveries, attempts and the fan-out cursor."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from backend.events.models import Event
from backend.webhooks.models import (
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookFanoutCursor,
    WebhookSubscription,
)

CURSOR_ID = 1


def _insert(session: Session, model: type[Any]) -> Any:
    # ON CONFLICT DO NOTHING exists on both databases, but each dialect has its own construct.
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(model)


# --- subscriptions -------------------------------------------------------------------------------

def subscriptions_of(session: Session, project_id: int, after: int | None, limit: int) -> list[WebhookSubscription]:
    """A page of a project's subscriptions, oldest first."""
    stmt = (select(WebhookSubscription).where(WebhookSubscription.project_id == project_id)
            .order_by(WebhookSubscription.id).limit(limit))
    if after is not None:
        stmt = stmt.where(WebhookSubscription.id > after)
    return list(session.scalars(stmt))


def subscription(session: Session, project_id: int, webhook_id: int) -> WebhookSubscription | None:
    """One subscription of a project."""
    return session.scalar(select(WebhookSubscription).where(WebhookSubscription.id == webhook_id,
                                                            WebhookSubscription.project_id == project_id))


def active_subscriptions(session: Session, project_ids: set[int]) -> list[WebhookSubscription]:
    """The active subscriptions of these projects."""
    if not project_ids:
        return []
    return list(session.scalars(select(WebhookSubscription).where(
        WebhookSubscription.project_id.in_(project_ids), WebhookSubscription.active.is_(True))))


def add_failure(session: Session, subscription_id: int) -> int:
    """Count one more dead delivery in a row (atomically); the new count."""
    count = session.scalar(update(WebhookSubscription).where(WebhookSubscription.id == subscription_id)
                           .values(consecutive_failures=WebhookSubscription.consecutive_failures + 1)
                           .returning(WebhookSubscription.consecutive_failures))
    return int(count or 0)


def reset_failures(session: Session, subscription_id: int) -> None:
    """A success ends the run of failures."""
    session.execute(update(WebhookSubscription)
                    .where(WebhookSubscription.id == subscription_id,
                           WebhookSubscription.consecutive_failures != 0)
                    .values(consecutive_failures=0))


def disable(session: Session, subscription_id: int, reason: str, now: datetime) -> bool:
    """Turn an active subscription off; False when it was already off (so only one caller announces it)."""
    result = session.execute(update(WebhookSubscription)
                             .where(WebhookSubscription.id == subscription_id,
                                    WebhookSubscription.active.is_(True))
                             .values(active=False, disabled_reason=reason, disabled_at=now))
    return bool(getattr(result, "rowcount", 0))


# --- deliveries ----------------------------------------------------------------------------------

def deliveries_of(session: Session, subscription_id: int, status: DeliveryStatus | None, before: int | None,
                  limit: int) -> list[WebhookDelivery]:
    """A page of a subscription's deliveries, newest first."""
    stmt = (select(WebhookDelivery).where(WebhookDelivery.subscription_id == subscription_id)
            .order_by(WebhookDelivery.id.desc()).limit(limit))
    if status is not None:
        stmt = stmt.where(WebhookDelivery.status == status)
    if before is not None:
        stmt = stmt.where(WebhookDelivery.id < before)
    return list(session.scalars(stmt))


def delivery(session: Session, subscription_id: int, delivery_id: int) -> WebhookDelivery | None:
    """One delivery of a subscription."""
    return session.scalar(select(WebhookDelivery).where(WebhookDelivery.id == delivery_id,
                                                        WebhookDelivery.subscription_id == subscription_id))


def delivery_for_update(session: Session, delivery_id: int) -> WebhookDelivery | None:
    """A delivery, row-locked until the transaction ends (PostgreSQL)."""
    return session.scalar(select(WebhookDelivery).where(WebhookDelivery.id == delivery_id).with_for_update())


def attempts_of(session: Session, delivery_id: int, limit: int) -> list[WebhookAttempt]:
    """A delivery's attempts, newest first."""
    return list(session.scalars(select(WebhookAttempt).where(WebhookAttempt.delivery_id == delivery_id)
                                .order_by(WebhookAttempt.id.desc()).limit(limit)))


def insert_deliveries(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Queue deliveries; one that already exists for the same subscription and event is left alone."""
    if rows:
        stmt = _insert(session, WebhookDelivery).on_conflict_do_nothing(
            index_elements=["subscription_id", "event_id"])
        session.execute(stmt, list(rows))


def claim_due(session: Session, now: datetime,
              limit: int) -> list[tuple[WebhookDelivery, WebhookSubscription, Event]]:
    """Due deliveries of active subscriptions, locked; rows another dispatcher holds are skipped."""
    stmt = (select(WebhookDelivery, WebhookSubscription, Event)
            .join(WebhookSubscription, WebhookSubscription.id == WebhookDelivery.subscription_id)
            .join(Event, Event.id == WebhookDelivery.event_id)
            .where(WebhookDelivery.next_attempt_at <= now, WebhookSubscription.active.is_(True))
            .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id).limit(limit)
            .with_for_update(skip_locked=True, of=WebhookDelivery))
    return [(d, s, e) for d, s, e in session.execute(stmt)]


# --- events and the fan-out cursor -----------------------------------------------------------------

def event(session: Session, event_id: int) -> Event | None:
    """One outbox event."""
    return session.get(Event, event_id)


def events_after(session: Session, after: int, limit: int) -> list[Event]:
    """Outbox events with ids above ``after``, in id order."""
    return list(session.scalars(select(Event).where(Event.id > after).order_by(Event.id).limit(limit)))


def max_event_id(session: Session) -> int:
    """The largest outbox id (0 when empty)."""
    return int(session.scalar(select(func.max(Event.id))) or 0)


def events_by_ids(session: Session, ids: Sequence[int]) -> list[Event]:
    """The outbox events among these ids that are visible now."""
    found: list[Event] = []
    for start in range(0, len(ids), 500):
        found.extend(session.scalars(select(Event).where(Event.id.in_(ids[start:start + 500]))))
    return found


def lock_cursor(session: Session) -> WebhookFanoutCursor:
    """The fan-out cursor, created on first use and row-locked so that one dispatcher fans out at a time."""
    stmt = select(WebhookFanoutCursor).where(WebhookFanoutCursor.id == CURSOR_ID).with_for_update()
    cursor = session.scalar(stmt)
    if cursor is None:
        session.execute(_insert(session, WebhookFanoutCursor).values(id=CURSOR_ID, last_event_id=0, gaps=[])
                        .on_conflict_do_nothing(index_elements=["id"]))
        cursor = session.scalars(stmt).one()
    return cursor

