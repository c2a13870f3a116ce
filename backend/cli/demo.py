"""``groundwork demo``: load the demo project."""

from __future__ import annotations

from typing import Annotated

import typer

from backend.cli._context import fail, info, load_settings
from backend.demo.loader import DemoError, load_demo


def demo(
    force: Annotated[bool, typer.Option("--force", help="replace an existing demo project")] = False,
    owner: Annotated[str | None, typer.Option(
        "--owner", metavar="EMAIL", help="who owns it [default: admin@localhost, else any instance admin]")
    ] = None,
) -> None:
    """Load the "Demo" project: real photos, ~300 short texts, two label schemas, datasets, tasks."""
    settings = load_settings()
    info("Loading the demo project…")
    try:
        result = load_demo(settings, owner_email=owner, force=force)
    except DemoError as exc:
        fail(str(exc))
    if not result.loaded:
        info(result.reason)
        return
    info(f"loaded project \"Demo\" (id {result.project_id}): {result.images} images, {result.texts} texts, "
         f"{result.schemas} label schemas, {result.tasks} tasks")
