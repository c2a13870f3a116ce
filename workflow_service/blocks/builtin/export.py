"""``export``: export the input files (or a query) through the backend's export API and wait for the file."""

from __future__ import annotations

import time
from typing import Any

from groundwork.workflows.spec import Port
from pydantic import BaseModel, ConfigDict, Field

from workflow_service.blocks.base import Block, StepContext, file_ids_of

DONE = {"succeeded", "completed", "failed", "cancelled"}


class ExportConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    format: str = Field(default="jsonl", description="jsonl, coco, yolo, voc, csv, spacy, ... (docs/formats.md)")
    query: str | None = Field(default=None, description="export this query's files instead of the input files")
    schema_name: str | None = Field(default=None, alias="schema",
                                    description="label schema by name (needed by every format but jsonl)")
    storage_connection_id: int | None = Field(default=None, description="write to this storage connection's bucket")
    prefix: str | None = Field(default=None, description="key prefix inside the connection's prefix")
    poll_s: float = Field(default=0.5, gt=0, le=60, description="how often to check on the export")


class Export(Block[ExportConfig]):
    """Outputs a report: the export's id, status, size and where to download it."""

    slug = "export"
    title = "Export"
    description = "Export the input files with their latest annotations (JSONL, COCO, YOLO, ...) to a file or bucket."
    Config = ExportConfig
    inputs = (Port("files", "files"),)
    outputs = (Port("report", "report"),)

    def run(self, ctx: StepContext, *args: Any) -> Any:
        query = self.config.query
        if query is None:
            ids = file_ids_of(args[0]) if args else []
            if not ids:
                ctx.log("no files to export")
                return {"export_id": None, "status": "empty", "files": 0}
            query = f"file.id in [{', '.join(map(str, ids))}]"
        body: dict[str, Any] = {"format": self.config.format, "query": query}
        if self.config.schema_name is not None:
            body["schema_id"] = _schema_id(ctx, self.config.schema_name)
        if self.config.storage_connection_id is not None:
            body |= {"destination": "storage", "connection_id": self.config.storage_connection_id,
                     "prefix": self.config.prefix or ""}
        job = ctx.api.request("POST", f"/projects/{ctx.project_id}/exports", json=body)
        ctx.log(f"export {job['id']} started ({self.config.format})")
        while job["status"] not in DONE:
            time.sleep(self.config.poll_s)
            job = ctx.api.request("GET", f"/projects/{ctx.project_id}/exports/{job['id']}")
        if job["status"] != "succeeded":
            raise RuntimeError(f"export {job['id']} {job['status']}: {job.get('error')}")
        ctx.log(f"export {job['id']} done: {job.get('size_bytes')} bytes, sha256 {job.get('sha256')}")
        return {"export_id": job["id"], **{k: job.get(k) for k in (
            "status", "format", "size_bytes", "sha256", "download_url", "storage", "stats")}}


def _schema_id(ctx: StepContext, name: str) -> int:
    for schema in ctx.api.paged(f"/projects/{ctx.project_id}/schemas"):
        if schema["name"] == name:
            return int(schema["id"])
    raise ValueError(f"no label schema named {name!r}")
