"""The import domain's entries in the event catalogue."""

from __future__ import annotations

from pydantic import Field

from backend.events.catalogue import EventType, Payload, register


class ImportPayload(Payload):
    import_id: int
    format: str
    rows: int | None = None
    annotations: int | None = Field(default=None, description="annotations written")
    rejected: int | None = Field(default=None, description="rows not imported (see the job's rejections)")
    error: str | None = Field(default=None, description="why it stopped")


for _entry in (
    EventType("import.completed", "An import finished (its annotations were also announced by "
              "`annotations.bulk_written`, one per chunk).", ImportPayload),
    EventType("import.failed", "An import stopped; what it wrote before stays and it can be resumed.",
              ImportPayload),
):
    register(_entry)
