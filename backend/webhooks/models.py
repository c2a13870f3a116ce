"""Webhook subscriptions, their deliveries (one per subscription and event), each attempt, the fan-out cursor."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Enum, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.models import Base, TimestampedModel
from backend.core.types import BigId, JsonDoc, UTCDateTime, utcnow


class DeliveryStatus(enum.StrEnum):
    """Where a delivery stands: queued, being sent, failed (will retry), done, or given up."""

    pending = "pending"
    sending = "sending"
    failed = "failed"
    succeeded = "succeeded"
    dead = "dead"


class WebhookSubscription(TimestampedModel):
    """A project's HTTP endpoint and the event types it wants; the signing secret is stored encrypted."""

    __tablename__ = "webhook_subscriptions"

    project_id: Mapped[int] = mapped_column(BigId, ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(2048))
    description: Mapped[str] = mapped_column(String(500), default="")
    event_types: Mapped[list[str]] = mapped_column(JsonDoc, default=list)
    secret_encrypted: Mapped[str] = mapped_column(Text)
    # After a rotation the old secret can stay valid for a while: both signatures are sent meanwhile.
    previous_secret_encrypted: Mapped[str | None] = mapped_column(Text)
    previous_secret_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    disabled_reason: Mapped[str | None] = mapped_column(String(500))
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))


class WebhookDelivery(TimestampedModel):
    """One event for one subscription; ``next_attempt_at`` is empty once it succeeded or died."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (UniqueConstraint("subscription_id", "event_id"),
                      Index("ix_webhook_deliveries_next_attempt_at", "next_attempt_at"),
                      Index("ix_webhook_deliveries_subscription_id_id", "subscription_id", "id"))

    subscription_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"))
    event_id: Mapped[int] = mapped_column(BigId, ForeignKey("events.id", ondelete="CASCADE"), index=True)
    event_type: Mapped[str] = mapped_column(String(100))
    status: Mapped[DeliveryStatus] = mapped_column(
        Enum(DeliveryStatus, native_enum=False, create_constraint=True, length=16), default=DeliveryStatus.pending)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int | None] = mapped_column(Integer)  # None: the setting; test pings get one
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=utcnow)
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(1000))
    last_latency_ms: Mapped[int | None] = mapped_column(Integer)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WebhookAttempt(Base):
    """One HTTP request of a delivery: when, how long, what came back (the delivery log)."""

    __tablename__ = "webhook_attempts"
    __table_args__ = (Index("ix_webhook_attempts_delivery_id_id", "delivery_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    delivery_id: Mapped[int] = mapped_column(BigId, ForeignKey("webhook_deliveries.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(1000))
    latency_ms: Mapped[int] = mapped_column(Integer, default=0)
    response_excerpt: Mapped[str | None] = mapped_column(String(1024))


class WebhookFanoutCursor(Base):
    """The single row recording how far fan-out has read the outbox, and id gaps still worth re-checking."""

    __tablename__ = "webhook_fanout_cursor"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_event_id: Mapped[int] = mapped_column(BigId, default=0)
    # [[event_id, first_seen_unix_time], ...]: ids above which later rows were already read; a
    # transaction still in flight may yet commit them (PostgreSQL ids are not committed in order).
    gaps: Mapped[list[Any]] = mapped_column(JsonDoc, default=list)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
