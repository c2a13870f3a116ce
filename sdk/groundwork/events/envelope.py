"""The wire format of an event: the JSON body of every message on the ``groundwork.events`` exchange."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

#: The durable topic exchange every event is published to; the routing key is the event type.
EXCHANGE = "groundwork.events"
#: Message header carrying the event's project id (absent for events outside any project).
PROJECT_HEADER = "x-groundwork-project-id"


class EventMessage(BaseModel):
    """One event as it travels: the outbox row minus the relay's bookkeeping."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: int
    type: str
    project_id: int | None
    actor_id: int | None
    occurred_at: datetime
    payload: dict[str, Any]
    schema_version: int = 1

    def to_json(self) -> bytes:
        """The message body (UTF-8 JSON)."""
        return self.model_dump_json().encode()

    @classmethod
    def from_json(cls, body: bytes | str) -> EventMessage:
        """Parse a message body; raises ``pydantic.ValidationError`` on a malformed one."""
        return cls.model_validate_json(body)
