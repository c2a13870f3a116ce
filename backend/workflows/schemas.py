"""Bodies for workflow definitions, their versions, and the block catalogue."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from backend.auth.schemas import StrictInput
from backend.workflows.models import RunStatus, SourceFormat

MAX_SOURCE_CHARS = 1_000_000

_EXAMPLE_SOURCE = """name: review texts
on:
  - event: file.created
    filter: "file.type = 'text'"
  - manual: true
blocks:
  review: {use: human_task, with: {kind: review}}
workflow:
  out: [review, in]
"""


MAX_LAYOUT_NODES = 2_000


class Position(BaseModel):
    model_config = ConfigDict(extra="forbid")
    x: float = Field(allow_inf_nan=False, ge=-1e7, le=1e7)
    y: float = Field(allow_inf_nan=False, ge=-1e7, le=1e7)


Layout = Annotated[dict[Annotated[str, StringConstraints(min_length=1, max_length=200)], Position],
                   Field(max_length=MAX_LAYOUT_NODES,
                         description="where the builder's canvas places each value, by value name (not versioned)")]


class _SourceInput(BaseModel):
    # Not StrictInput: that strips whitespace, and a source is stored exactly as submitted (its
    # line and column numbers must stay those the author sees).
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"source": _EXAMPLE_SOURCE, "format": "yaml"}]})
    source: str = Field(min_length=1, max_length=MAX_SOURCE_CHARS, description="the definition, YAML or JSON")
    format: SourceFormat | None = Field(default=None, description="null: JSON if it starts with '{', else YAML")


class WorkflowCreate(_SourceInput):
    enabled: bool = True
    layout: Layout | None = None


class WorkflowUpdate(_SourceInput):
    """A new definition: a new version (none when the source is the current one, unchanged)."""
    layout: Layout | None = Field(default=None, description="the canvas layout; null: keep the stored one")


class WorkflowValidate(_SourceInput):
    """Check a definition without saving it."""


class WorkflowPatch(StrictInput):
    """Enable or disable a workflow, or move its nodes on the canvas (neither makes a version)."""
    model_config = ConfigDict(json_schema_extra={"examples": [{"enabled": False},
                                                              {"layout": {"out": {"x": 250, "y": 130}}}]})
    enabled: bool | None = None
    layout: Layout | None = None

    @model_validator(mode="after")
    def _something(self) -> WorkflowPatch:
        if self.enabled is None and self.layout is None:
            raise ValueError("give `enabled`, `layout` or both")
        return self


class WorkflowValidated(BaseModel):
    valid: bool = True
    name: str
    values: list[str] = Field(description="the workflow's values in dependency order")


class LastRun(BaseModel):
    id: int
    status: RunStatus
    created_at: datetime


class WorkflowRead(BaseModel):
    id: int
    project_id: int
    name: str
    description: str
    enabled: bool
    current_version: int
    triggers: list[dict[str, Any]] = Field(description="the definition's `on` entries")
    created_at: datetime
    updated_at: datetime
    last_run: LastRun | None


class WorkflowDetail(WorkflowRead):
    source: str
    format: SourceFormat
    definition: dict[str, Any] = Field(description="the validated definition (defaults filled in)")
    layout: dict[str, Position] = Field(description="where the builder's canvas places each value")


class VersionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    number: int
    format: SourceFormat
    created_at: datetime
    created_by_id: int | None


class VersionDetail(VersionRead):
    source: str
    definition: dict[str, Any]


class WorkflowDiff(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    from_: int = Field(alias="from")
    to: int
    diff: str = Field(description="unified diff of the two sources (empty when they are equal)")


class PortSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=100)
    type: str = Field(default="any", min_length=1, max_length=100)
    many: bool = False


class BlockRegister(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "slug": "human_task", "title": "Human task", "description": "Annotate or review tasks for files",
        "version": "1.0", "plugin": "builtin",
        "config_schema": {"type": "object", "properties": {"kind": {"enum": ["annotate", "review"]}}},
        "inputs": [{"name": "files", "type": "files", "many": False}],
        "outputs": [{"name": "tasks", "type": "tasks", "many": False}], "queue": "cpu", "error": None}]})
    slug: str = Field(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:/-]*$")
    title: str = Field(default="", max_length=200)
    description: str = Field(default="", max_length=20_000)
    version: str = Field(default="", max_length=100)
    plugin: str = Field(default="builtin", min_length=1, max_length=200,
                        description="the distribution that provides it, or `builtin`")
    config_schema: dict[str, Any] = Field(default_factory=dict, description="JSON Schema of the block's config")
    inputs: list[PortSpec] = Field(default_factory=lambda: [PortSpec(name="input")])
    outputs: list[PortSpec] = Field(default_factory=lambda: [PortSpec(name="out")])
    queue: str = Field(default="cpu", min_length=1, max_length=100)
    error: str | None = Field(default=None, max_length=65_536,
                              description="why the plugin failed to load; such a block is listed, not usable")


class BlockCatalogueUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    blocks: list[BlockRegister] = Field(max_length=10_000)
    replace: bool = Field(default=False, description="also delete every block not in this list")


class BlockRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    slug: str
    title: str
    description: str
    version: str
    plugin: str
    config_schema: dict[str, Any]
    inputs: list[PortSpec]
    outputs: list[PortSpec]
    queue: str
    error: str | None
    updated_at: datetime
