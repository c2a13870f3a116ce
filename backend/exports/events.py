"""The export domain's entries in the event catalogue."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from backend.events.catalogue import EventType, Payload, register


class ExportPayload(Payload):
    export_id: int
    format: str
    destination: Literal["download", "storage"]
    size_bytes: int | None = None
    sha256: str | None = None
    files: int | None = Field(default=None, description="files written")
    annotations: int | None = Field(default=None, description="annotations written")
    connection_id: int | None = Field(default=None, description="storage: the connection written to")
    key: str | None = Field(default=None, description="storage: the object's key")
    error: str | None = Field(default=None, description="why it failed")


for _entry in (
    EventType("export.completed", "An export finished; its output can be downloaded (or was written to the "
              "storage connection).", ExportPayload),
    EventType("export.failed", "An export failed; `error` says why.", ExportPayload),
):
    register(_entry)
