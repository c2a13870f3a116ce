"""``wait_for``: an aggregate; the orchestrator holds the value until enough has happened (see ``wait``)."""

from __future__ import annotations

from typing import Any

from groundwork.workflows.spec import Port, Wait

from workflow_service.blocks.base import Block, StepContext


class WaitFor(Block[Wait]):
    """Evaluated by the orchestrator, never on a queue: the same as a value's ``wait:``."""

    slug = "wait_for"
    title = "Wait for"
    description = ("Hold the input until N events arrived, N tasks completed, every task of the input is done, "
                   "or a time window closed; then pass on everything gathered.")
    Config = Wait
    inputs = (Port("input"),)
    outputs = (Port("out"),)
    queue = "orchestrator"

    def run(self, ctx: StepContext, *args: Any) -> Any:
        raise RuntimeError("wait_for is evaluated by the orchestrator")
