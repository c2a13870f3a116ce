"""The webhook domain's entries in the event catalogue."""

from __future__ import annotations

from pydantic import Field

from backend.events.catalogue import EventType, Payload, register


class WebhookPayload(Payload):
    webhook_id: int
    event_types: list[str] | None = None
    active: bool | None = None
    changed: list[str] | None = Field(default=None, description="fields that changed (updates)")
    reason: str | None = Field(default=None, description="why it was disabled")
    consecutive_failures: int | None = None


for _entry in (
    EventType("webhook.created", "A webhook subscription was created.", WebhookPayload),
    EventType("webhook.updated", "A webhook's URL, event types, description, active flag or secret changed.",
              WebhookPayload),
    EventType("webhook.deleted", "A webhook subscription was deleted.", WebhookPayload),
    EventType("webhook.disabled", "A webhook was turned off automatically after deliveries in a row failed "
              "every attempt.", WebhookPayload),
    EventType("webhook.test", "A test ping, delivered only to the webhook it tests.", WebhookPayload),
):
    register(_entry)
