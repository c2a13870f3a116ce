"""``groundwork blocks new NAME``: an installable block plugin package whose test passes as generated."""

from __future__ import annotations

import re
from pathlib import Path
from string import Template

FILES = {
    "pyproject.toml": '''[build-system]
requires = ["setuptools>=70"]
build-backend = "setuptools.build_meta"

[project]
name = "groundwork-block-$dash"
version = "0.1.0"
description = "$title: a Groundwork workflow block"
requires-python = ">=3.11"
dependencies = ["groundwork"]

[project.optional-dependencies]
test = ["pytest>=8"]

# Workers find the block through this entry point (restart them after installing).
[project.entry-points."groundwork.blocks"]
$slug = "groundwork_block_$slug.block:$cls"

[tool.setuptools.packages.find]
where = ["src"]

[tool.pytest.ini_options]
pythonpath = ["src"]
''',
    "README.md": '''# groundwork-block-$dash

A Groundwork workflow block, `$slug`. Install it into every worker's environment
(`pip install -e .`), restart the workers, and it appears in the block catalogue
(`groundwork blocks list`, the workflow builder's palette). Use it in a workflow:

```yaml
blocks:
  my_step: {use: $slug, with: {suffix: "!"}}
workflow:
  out: [my_step, in]
```

Test it: `pip install -e ".[test]" && pytest`.
''',
    "src/groundwork_block_$slug/__init__.py": '"""The $slug block for Groundwork workflows."""\n',
    "src/groundwork_block_$slug/block.py": '''"""$title: replace this example with what your block does."""

from __future__ import annotations

from typing import Any

from groundwork.workflows.spec import Port
from pydantic import BaseModel, ConfigDict, Field
from workflow_service.blocks.base import Block, StepContext


class ${cls}Config(BaseModel):
    """The block's settings: the workflow's `with:` is checked against this model's JSON Schema."""

    model_config = ConfigDict(extra="forbid")
    suffix: str = Field(default="", description="appended to every text")


class $cls(Block[${cls}Config]):
    """Appends a suffix to each text it is given (a list of texts in, a list out)."""

    slug = "$slug"
    title = "$title"
    description = "An example block: appends a suffix to texts."
    version = "0.1.0"
    Config = ${cls}Config
    inputs = (Port("texts", "any"),)
    outputs = (Port("out", "any"),)
    queue = "cpu"

    def run(self, ctx: StepContext, *args: Any) -> Any:
        ctx.log(f"{len(args[0])} text(s)")
        return [f"{text}{self.config.suffix}" for text in args[0]]
''',
    "tests/test_block.py": '''"""The block on its own: config validation and one run."""

import pytest
from pydantic import ValidationError
from workflow_service.blocks.base import StepContext

from groundwork_block_$slug.block import $cls


def make_context() -> StepContext:
    # a block that calls the API needs a client here: workflow_service.backend_api.BackendAPI(url, token)
    return StepContext(api=None, project_id=1, run_id=1, step_key="s", attempt=1, run_input={})  # type: ignore


def test_runs() -> None:
    block = $cls($cls.Config.model_validate({"suffix": "!"}))
    assert block.run(make_context(), ["a", "b"]) == ["a!", "b!"]


def test_rejects_unknown_settings() -> None:
    with pytest.raises(ValidationError):
        $cls.Config.model_validate({"nope": 1})


def test_catalogue_entry() -> None:
    entry = $cls.catalogue_entry("groundwork-block-$dash")
    assert entry["slug"] == "$slug"
    assert entry["config_schema"]["properties"]["suffix"]["type"] == "string"
''',
}


def scaffold(name: str, dest: Path) -> Path:
    """Write the plugin package for block ``name`` under ``dest``; returns its folder."""
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    if not slug or not slug[0].isalpha():
        raise ValueError(f"{name!r} is not a usable block name (letters, digits, _ or -; a letter first)")
    values = {"slug": slug, "dash": slug.replace("_", "-"), "title": slug.replace("_", " ").capitalize(),
              "cls": "".join(part.capitalize() for part in slug.split("_"))}
    root = dest / f"groundwork-block-{values['dash']}"
    if root.exists():
        raise FileExistsError(f"{root} already exists")
    for rel, text in FILES.items():
        path = root / Template(rel).substitute(values)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(Template(text).substitute(values))
    return root
