"""``python``: call a function by import path (DJL's custom functions); it runs in the worker, as code you installed."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from groundwork.workflows.spec import Port
from pydantic import BaseModel, ConfigDict, Field

from workflow_service.blocks.base import Block, StepContext


class PythonConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    function: str = Field(pattern=r"^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*$", description="module.path:function")
    kwargs: dict[str, Any] = Field(default_factory=dict, description="keyword arguments passed on each call")
    pass_context: bool = Field(default=False, description="pass the step context as the keyword argument ctx")


def load_function(path: str) -> Callable[..., Any]:
    """``pkg.module:name`` (``name`` may be dotted) → the object."""
    module_name, _, attr = path.partition(":")
    obj: Any = importlib.import_module(module_name)
    for part in attr.split("."):
        obj = getattr(obj, part)
    if not callable(obj):
        raise TypeError(f"{path} is not callable")
    return obj  # type: ignore[no-any-return]


class Python(Block[PythonConfig]):
    """``function(*inputs, **kwargs)``; its return value is the output (JSON-serialisable, small)."""

    slug = "python"
    title = "Python function"
    description = "Call a function installed in the worker's environment, by import path."
    Config = PythonConfig
    inputs = (Port("args", many=True),)
    outputs = (Port("out"),)

    def run(self, ctx: StepContext, *args: Any) -> Any:
        fn = load_function(self.config.function)
        extra = {"ctx": ctx} if self.config.pass_context else {}
        return fn(*args, **self.config.kwargs, **extra)
