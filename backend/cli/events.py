"""``groundwork events``: the event catalogue, as JSON Schemas or as the Markdown page in docs/."""

from __future__ import annotations

import json
from typing import Annotated

import typer

app = typer.Typer(help="The event catalogue.", no_args_is_help=True)


@app.command()
def catalogue(
    markdown: Annotated[bool, typer.Option("--markdown", help="print docs/events.md instead of JSON")] = False,
) -> None:
    """Print every event type with its payload's JSON Schema (or the Markdown page)."""
    import backend.app  # noqa: F401  (importing every domain registers its event types)
    from backend.events import catalogue as cat

    if markdown:
        typer.echo(cat.markdown(), nl=False)
    else:
        typer.echo(json.dumps([e.model_dump() for e in cat.describe()], indent=2))
