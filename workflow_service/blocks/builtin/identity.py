"""``identity``: pass the input on unchanged (to rename a value, join branches, or test a workflow)."""

from __future__ import annotations

from typing import Any

from groundwork.workflows.spec import Port

from workflow_service.blocks.base import Block, NoConfig, StepContext


class Identity(Block[NoConfig]):
    """Returns its argument (with several arguments, the list of them)."""

    slug = "identity"
    title = "Identity"
    description = "Pass the input on unchanged; with several inputs, the list of them."
    inputs = (Port("values", many=True),)
    outputs = (Port("out"),)

    def run(self, ctx: StepContext, *args: Any) -> Any:
        return args[0] if len(args) == 1 else list(args)
