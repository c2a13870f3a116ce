"""What a definition contains, and what a block promises (its catalogue entry)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

# The type of `in`: the triggering event (or a manual run's input).
EVENT = "event"
ANY = "any"
# An event feeds a block that takes files: the files the event is about.
COERCIONS = {(EVENT, "files")}


@dataclass(frozen=True)
class Port:
    """A typed input or output of a block; ``many`` lets an input take any number of arguments."""

    name: str
    type: str = ANY
    many: bool = False


@dataclass(frozen=True)
class BlockSpec:
    """A block as the catalogue describes it: its config's JSON Schema, inputs and outputs."""

    slug: str
    config_schema: Mapping[str, Any] = field(default_factory=dict)
    inputs: tuple[Port, ...] = (Port("input"),)
    outputs: tuple[Port, ...] = (Port("out"),)
    queue: str = "cpu"

    def output(self, name: str | None) -> Port | None:
        """The named output (the first one when ``name`` is None)."""
        if name is None:
            return self.outputs[0] if self.outputs else None
        return next((p for p in self.outputs if p.name == name), None)


Catalogue = Mapping[str, BlockSpec]


def compatible(produced: str, wanted: str) -> bool:
    """Whether a value of type ``produced`` may feed an input of type ``wanted``."""
    return ANY in (produced, wanted) or produced == wanted or (produced, wanted) in COERCIONS


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ExecProps(_Strict):
    """How a block runs: micro-batching, retries, timeout, queue."""

    batch_size: int | None = Field(default=None, ge=1, le=100_000)
    max_batch_delay: float | None = Field(default=None, ge=0, le=3600, description="seconds")
    retries: int | None = Field(default=None, ge=0, le=100)
    timeout: float | None = Field(default=None, gt=0, le=7 * 24 * 3600, description="seconds")
    queue: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_-]*$")


class BlockUse(ExecProps):
    """A named block instance: ``use`` a catalogue block ``with`` a config."""

    use: str
    with_: dict[str, Any] = Field(default_factory=dict, alias="with")


class Trigger(_Strict):
    """One way a run starts: an event type (pattern) with an optional filter, manual, or a schedule."""

    event: str | None = None
    filter: str | None = None
    manual: Literal[True] | None = None
    schedule: str | None = Field(default=None, description="cron, 5 fields")

    @model_validator(mode="after")
    def _one_kind(self) -> Trigger:
        kinds = [k for k in ("event", "manual", "schedule") if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError("a trigger is exactly one of: event, manual, schedule")
        if self.filter is not None and self.event is None:
            raise ValueError("filter applies to event triggers only")
        if self.schedule is not None and len(self.schedule.split()) != 5:
            raise ValueError("schedule needs 5 cron fields, e.g. '0 * * * *'")
        return self


class Wait(_Strict):
    """An aggregate: hold the value until enough has happened since the last run."""

    events: int | None = Field(default=None, ge=1, description="N inputs gathered")
    tasks_completed: int | None = Field(default=None, ge=1, description="N tasks completed since the last run")
    all_tasks: bool | None = Field(default=None, description="every task created by the input is complete")
    window: float | None = Field(default=None, gt=0, description="seconds to gather inputs")

    @model_validator(mode="after")
    def _one(self) -> Wait:
        if sum(v is not None for v in (self.events, self.tasks_completed, self.all_tasks, self.window)) != 1:
            raise ValueError("wait takes exactly one of: events, tasks_completed, all_tasks, window")
        return self


class ValueDef(_Strict):
    """A value with extras: ``do`` the application, only ``when`` a condition holds, or ``wait``."""

    do: Any
    when: str | None = None
    wait: Wait | None = None


class Definition(_Strict):
    """A whole workflow definition."""

    name: str = Field(min_length=1, max_length=200)
    version: str | int | None = None
    description: str = ""
    on: list[Trigger] = Field(min_length=1)
    defaults: ExecProps = Field(default_factory=ExecProps)
    blocks: dict[str, BlockUse] = Field(default_factory=dict)
    workflow: dict[str, Any] = Field(min_length=1)
