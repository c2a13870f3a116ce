"""What a block is: a class generic over a pydantic ``Config``, with typed inputs and outputs.

A block's identity lives in class variables (``slug``, ``title``, ``description``, ``version``); its
``Config`` model gives the catalogue the JSON Schema the UI renders as a form and the definition's
``with:`` is validated against. The executor calls ``run_batch`` with every input a micro-batch gathered
(possibly from several runs); the default calls ``run`` once per item.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, TypeVar

from groundwork.workflows.spec import Port
from pydantic import BaseModel, ConfigDict

from workflow_service.backend_api import BackendAPI


class NoConfig(BaseModel):
    """For blocks that take no settings."""

    model_config = ConfigDict(extra="forbid")


ConfigT = TypeVar("ConfigT", bound=BaseModel)


@dataclass
class Outputs:
    """A result with several named outputs (ports), e.g. ``Outputs({"matched": [...], "unmatched": [...]})``."""

    ports: dict[str, Any]


@dataclass
class Waiting:
    """The step waits for people: it completes when every one of ``tasks`` is done.

    ``output`` is what the step yields once they are (the tasks and files it created, say).
    """

    tasks: list[int]
    output: Outputs
    done_statuses: tuple[str, ...] = ("approved", "skipped")


@dataclass
class StepContext:
    """What a block sees of the run that called it."""

    api: BackendAPI
    project_id: int
    run_id: int
    step_key: str
    attempt: int
    run_input: dict[str, Any]
    log_lines: list[str] = field(default_factory=list)
    log_sent: int = 0  # lines already shown while the step ran (``progress``); the rest go with its outcome
    _flushed_at: float = field(default=0.0, repr=False)

    def log(self, message: str) -> None:
        """A line for the step's log (shown in the run view)."""
        self.log_lines.append(message)
        logging.getLogger("workflow_service.block").info("run %s step %s: %s", self.run_id, self.step_key, message)

    def progress(self, message: str, *, summary: str | None = None, every_s: float = 2.0) -> None:
        """A log line that shows in the run view while the step is still running (sent at most every ``every_s``)."""
        self.log(message)
        now = time.monotonic()
        if now - self._flushed_at < every_s:
            return
        self._flushed_at = now
        sent = len(self.log_lines)
        step: dict[str, object] = {"run_id": self.run_id, "key": self.step_key,
                                   "log": "\n".join(self.log_lines[self.log_sent:sent]) + "\n"}
        if summary is not None:
            step["summary"] = summary[:2000]
        try:
            self.api.report(steps=[step])  # no status: the backend appends the log, counts no attempt
        except Exception as exc:  # best effort: unsent lines go with the step's outcome instead
            logging.getLogger("workflow_service.block").warning("progress report failed: %s", exc)
            return
        self.log_sent = sent

    def unsent_log(self) -> str:
        """The log lines not yet sent (and mark them sent)."""
        lines = self.log_lines[self.log_sent:]
        self.log_sent = len(self.log_lines)
        return "\n".join(lines)


@dataclass
class Item:
    """One application of a block: its context and arguments."""

    ctx: StepContext
    args: list[Any]


class Block(Generic[ConfigT]):
    """Subclass, set the class variables and ``Config``, and implement ``run`` (or ``run_batch``)."""

    slug: ClassVar[str]
    title: ClassVar[str]
    description: ClassVar[str] = ""
    version: ClassVar[str] = "1"
    Config: ClassVar[type[BaseModel]] = NoConfig
    inputs: ClassVar[tuple[Port, ...]] = (Port("input"),)
    outputs: ClassVar[tuple[Port, ...]] = (Port("out"),)
    queue: ClassVar[str] = "cpu"

    def __init__(self, config: ConfigT) -> None:
        self.config = config

    def run(self, ctx: StepContext, *args: Any) -> Any:
        """Process one item; return a value (the first output), ``Outputs`` or ``Waiting``."""
        raise NotImplementedError(f"{type(self).__name__} implements neither run nor run_batch")

    def run_batch(self, items: Sequence[Item]) -> list[Any]:
        """Process a micro-batch; one result (or the exception it raised) per item, in order."""
        results: list[Any] = []
        for item in items:
            try:
                results.append(self.run(item.ctx, *item.args))
            except Exception as exc:  # one bad input fails its own step, not the batch's other runs
                results.append(exc)
        return results

    @classmethod
    def catalogue_entry(cls, plugin: str) -> dict[str, Any]:
        """How the block appears in the catalogue the backend keeps (and the UI renders)."""
        return {
            "slug": cls.slug, "title": cls.title, "description": cls.description, "version": cls.version,
            "plugin": plugin, "config_schema": cls.Config.model_json_schema(),
            "inputs": [_port(p) for p in cls.inputs], "outputs": [_port(p) for p in cls.outputs],
            "queue": cls.queue, "error": None,
        }


def _port(p: Port) -> dict[str, Any]:
    return {"name": p.name, "type": p.type, "many": p.many}


def file_ids_of(value: Any) -> list[int]:
    """The file ids a value is about: a list of ids, an event's payload, or a manual run's input."""
    if value is None:
        return []
    if isinstance(value, int) and not isinstance(value, bool):  # one element of a mapped list
        return [value]
    if isinstance(value, list):
        out: list[int] = []
        for v in value:
            out.extend(file_ids_of(v) if isinstance(v, list | dict) else [int(v)])
        return out
    if isinstance(value, dict):
        payload = value.get("payload", value)
        if "file_ids" in value and isinstance(value["file_ids"], list):  # a filtered or manual run's input
            return [int(v) for v in value["file_ids"]]
        if isinstance(payload.get("file_ids"), list):
            return [int(v) for v in payload["file_ids"]]
        if payload.get("file_id") is not None:
            return [int(payload["file_id"])]
    return []
