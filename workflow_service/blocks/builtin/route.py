"""``route``: split files by a query (the query language) into ``matched`` and ``unmatched``."""

from __future__ import annotations

from typing import Any

from groundwork.workflows.spec import Port
from pydantic import BaseModel, ConfigDict, Field

from workflow_service.blocks.base import Block, Outputs, StepContext, file_ids_of

CHUNK = 400  # file ids per query, to stay well inside the query length limit


class RouteConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    query: str = Field(min_length=1, max_length=4000, description="e.g. meta.lang = 'en' (docs/query.md)")


class Route(Block[RouteConfig]):
    """Files matching the query go to ``matched``, the others to ``unmatched``."""

    slug = "route"
    title = "Route by query"
    description = "Split the input files by a query, e.g. meta.lang = 'en' or labels.car > 3."
    Config = RouteConfig
    inputs = (Port("files", "files"),)
    outputs = (Port("matched", "files"), Port("unmatched", "files"))

    def run(self, ctx: StepContext, *args: Any) -> Outputs:
        ids = file_ids_of(args[0])
        matched: set[int] = set()
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start:start + CHUNK]
            q = f"({self.config.query}) and file.id in [{', '.join(map(str, chunk))}]"
            for f in ctx.api.paged(f"/projects/{ctx.project_id}/files", {"q": q}):
                matched.add(int(f["id"]))
        ctx.log(f"{len(matched)} of {len(ids)} file(s) match {self.config.query!r}")
        return Outputs({"matched": [i for i in ids if i in matched], "unmatched": [i for i in ids if i not in matched]})
