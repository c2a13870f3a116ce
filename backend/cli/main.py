"""The ``groundwork`` command: one Typer app, one small module per command group."""

from __future__ import annotations

import typer

from backend.cli import events, tokens, users
from backend.cli.demo import demo
from backend.cli.migrate import migrate
from backend.cli.relay import relay
from backend.cli.serve import serve
from backend.cli.worker import blocks, worker

app = typer.Typer(
    name="groundwork",
    help="Groundwork, a self-hosted training-data platform. Settings come from GROUNDWORK_* variables.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command()(serve)
app.command()(migrate)
app.command()(demo)
app.command()(relay)
app.command()(worker)
app.add_typer(users.app, name="users")
app.add_typer(tokens.app, name="tokens")
app.add_typer(events.app, name="events")
app.add_typer(blocks, name="blocks")

if __name__ == "__main__":
    app()
