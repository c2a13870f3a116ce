"""Bodies for the event API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from backend.auth.schemas import StrictInput


class EventRead(BaseModel):
    """One event, as consumers and the event API see it."""

    model_config = ConfigDict(from_attributes=True)
    id: int
    type: str
    project_id: int | None
    actor_id: int | None
    occurred_at: datetime
    schema_version: int
    payload: dict[str, Any]
    published_at: datetime | None


class ReplayRequest(StrictInput):
    model_config = ConfigDict(json_schema_extra={"examples": [{"after_id": 1200, "types": ["task.*"]}]})
    after_id: int = Field(ge=0, description="replay events with a greater id")
    types: list[str] = Field(default_factory=list, description="type patterns (`*` matches anything)")


class ReplayResult(BaseModel):
    requeued: int = Field(description="events handed to the relay again (consumers drop those already seen)")
