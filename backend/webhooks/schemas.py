"""Bodies for webhook subscriptions, their secrets, deliveries and the event envelope they carry."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from backend.auth.schemas import StrictInput
from backend.webhooks.models import DeliveryStatus

_PATTERN = re.compile(r"^[a-z0-9_*]+(\.[a-z0-9_*]+)*$")
_PATTERN_HELP = ("event-type patterns are event types where '*' stands for any run of characters, "
                 "e.g. 'task.*', 'annotation.created', '*'")


def _patterns(values: list[str]) -> list[str]:
    for value in values:
        if len(value) > 100 or not _PATTERN.match(value):
            raise ValueError(f"{value!r} is not a valid pattern: {_PATTERN_HELP}")
    return list(dict.fromkeys(values))  # drop repeats, keep order


class WebhookCreate(StrictInput):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"url": "https://hooks.example.com/groundwork", "event_types": ["task.*", "annotation.created"]}]})
    url: str = Field(min_length=1, max_length=2048, description="http(s) URL that receives a POST per event")
    event_types: list[str] = Field(min_length=1, max_length=50, description=_PATTERN_HELP)
    description: str = Field(default="", max_length=500)
    active: bool = True
    secret: str | None = Field(default=None, min_length=16, max_length=200,
                               description="signing secret; generated when left out. Shown only in this answer")

    _types = field_validator("event_types")(_patterns)


class WebhookUpdate(StrictInput):
    url: str | None = Field(default=None, min_length=1, max_length=2048)
    event_types: list[str] | None = Field(default=None, min_length=1, max_length=50, description=_PATTERN_HELP)
    description: str | None = Field(default=None, max_length=500)
    active: bool | None = Field(default=None, description="true re-enables a disabled webhook (and resets "
                                                          "its failure count)")

    @field_validator("event_types")
    @classmethod
    def _types(cls, values: list[str] | None) -> list[str] | None:
        return None if values is None else _patterns(values)

    @model_validator(mode="after")
    def _no_nulls(self) -> WebhookUpdate:
        for name in self.model_fields_set:
            if getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null; leave it out to keep the current value")
        return self


class WebhookRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    project_id: int
    url: str
    description: str
    event_types: list[str]
    active: bool
    consecutive_failures: int = Field(description="deliveries in a row that failed every attempt")
    disabled_reason: str | None
    disabled_at: datetime | None
    previous_secret_expires_at: datetime | None = Field(
        description="until when the rotated-out secret still signs requests (a second v1 signature)")
    created_by_id: int | None
    created_at: datetime
    updated_at: datetime


class WebhookCreated(WebhookRead):
    secret: str = Field(description="the signing secret; this is the only time it is shown")


class SecretRotate(StrictInput):
    secret: str | None = Field(default=None, min_length=16, max_length=200,
                               description="the new secret; generated when left out")
    previous_valid_for_s: int = Field(default=0, ge=0, le=7 * 24 * 3600,
                                      description="keep signing with the old secret too for this long")


class WebhookSecret(BaseModel):
    secret: str = Field(description="the new signing secret; this is the only time it is shown")
    previous_secret_expires_at: datetime | None


class DeliveryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    subscription_id: int
    event_id: int
    event_type: str
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    last_latency_ms: int | None
    created_at: datetime
    delivered_at: datetime | None


class AttemptRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    number: int
    started_at: datetime
    status_code: int | None
    error: str | None
    latency_ms: int
    response_excerpt: str | None = Field(description="the first KiB of the response body")


class EventEnvelope(BaseModel):
    """The JSON body of every webhook request."""

    model_config = ConfigDict(from_attributes=True)
    id: int
    type: str
    project_id: int | None
    actor_id: int | None
    occurred_at: datetime
    payload: dict[str, Any]
    schema_version: int


class DeliveryDetail(DeliveryRead):
    request_body: EventEnvelope = Field(description="what is POSTed (byte-identical on every attempt)")
    attempt_log: list[AttemptRead] = Field(description="every attempt, newest first (at most 100)")
