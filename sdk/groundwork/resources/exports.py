"""Exports: start one, wait for it, download the output (COCO, YOLO, VOC, JSONL, ... — docs of the API)."""

from __future__ import annotations

import builtins
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from groundwork._pages import SyncPage
from groundwork.resources._base import SyncResource
from groundwork.types import Export, ExportFormat


class Exports(SyncResource):
    """``project.exports``."""

    def formats(self) -> builtins.list[ExportFormat]:
        """The formats the server writes."""
        return self._client.json("GET", "/export-formats", builtins.list[ExportFormat])

    def create(self, format: str, *, query: str = "", dataset_id: int | None = None, schema_id: int | None = None,
               as_of: datetime | None = None, include_media: bool = False, connection_id: int | None = None,
               prefix: str = "") -> Export:
        """Start an export (written in the background); ``connection_id`` writes it into that bucket instead."""
        body: dict[str, Any] = {"format": format, "query": query, "dataset_id": dataset_id, "schema_id": schema_id,
                                "as_of": as_of.isoformat() if as_of else None, "include_media": include_media}
        if connection_id is not None:
            body.update(destination="storage", connection_id=connection_id, prefix=prefix)
        return self._client.json("POST", self._path("/exports"), Export,
                                 json={k: v for k, v in body.items() if v is not None})

    def get(self, export_id: int) -> Export:
        """One export: status, progress, size, download URL."""
        return self._client.json("GET", self._path(f"/exports/{export_id}"), Export)

    def list(self) -> SyncPage[Export]:
        """Exports, newest first."""
        return self._page("/exports", Export, limit=200)

    def delete(self, export_id: int) -> None:
        """Delete an export and its output."""
        self._client.request("DELETE", self._path(f"/exports/{export_id}"))

    def wait(self, export_id: int, *, poll_s: float = 1.0, timeout_s: float | None = None) -> Export:
        """Poll until the export succeeded or failed (TimeoutError after ``timeout_s``)."""
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        while True:
            current = self.get(export_id)
            if current.done:
                return current
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"export {export_id} still {current.status} after {timeout_s} s")
            time.sleep(poll_s)

    def download(self, export_id: int, path: str | Path) -> Path:
        """Stream the finished export's output to ``path`` (written to a temp file first, then renamed)."""
        target = Path(path)
        partial = target.with_name(target.name + ".part")
        response = self._client.request("GET", self._path(f"/exports/{export_id}/download"), stream=True)
        try:
            with open(partial, "wb") as out:
                for chunk in response.iter_bytes(1024 * 1024):
                    out.write(chunk)
        finally:
            response.close()
        partial.replace(target)
        return target
