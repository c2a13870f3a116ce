"""``groundwork worker`` and ``groundwork blocks``: the workflow service's processes and its block catalogue."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal

import typer

from backend.cli._context import fail, info


def worker(
    role: Annotated[Literal["all", "orchestrator", "executor"], typer.Option(
        help="all: the orchestrator and an executor (two processes); or one of them")] = "all",
    queues: Annotated[str | None, typer.Option(help="executor queues, e.g. cpu,gpu [default: GROUNDWORK_WORKER_QUEUES]")
                      ] = None,
    concurrency: Annotated[int | None, typer.Option(
        min=1, help="executor child processes [default: GROUNDWORK_WORKER_CONCURRENCY]")] = None,
    probe: Annotated[bool, typer.Option("--probe", help="exit 0 if a worker of this role is alive here, else 1")
                     ] = False,
) -> None:
    """Run the workflow service: consume events, orchestrate runs, execute blocks on Celery queues."""
    from workflow_service import runner
    from workflow_service.settings import WorkerSettings

    if probe:
        roles = ["orchestrator", "executor"] if role == "all" else [role]
        raise typer.Exit(0 if all(runner.probe(r) for r in roles) else 1)
    settings = WorkerSettings()
    if not settings.service_token:
        fail("GROUNDWORK_SERVICE_TOKEN is not set (create one: groundwork tokens create --service workflow-service)")
    chosen = queues.split(",") if queues else settings.queues
    workers = concurrency or settings.worker_concurrency
    info(f"workflow service ({role}) for {settings.api_url}; queues {','.join(chosen)}, concurrency {workers}")
    if role == "orchestrator":
        runner.run_orchestrator(settings)
    elif role == "executor":
        runner.run_executor(settings, chosen, workers)
    else:
        raise typer.Exit(runner.run_all(chosen, workers))


blocks = typer.Typer(help="The workflow blocks installed here (built-in and plugins).", no_args_is_help=True)


@blocks.command("list")
def list_blocks(
    as_json: Annotated[bool, typer.Option("--json", help="the catalogue entries as JSON")] = False,
) -> None:
    """List the blocks this environment provides, and plugins that failed to load."""
    from workflow_service.blocks.registry import load_registry

    entries = load_registry().entries()
    if as_json:
        typer.echo(json.dumps(entries, indent=2))
        return
    for e in entries:
        if e["error"]:
            typer.echo(f"{e['slug']:<20} BROKEN ({e['plugin']}): {e['error']}")
        else:
            ins = ", ".join(f"{p['name']}:{p['type']}" for p in e["inputs"])
            outs = ", ".join(f"{p['name']}:{p['type']}" for p in e["outputs"])
            typer.echo(f"{e['slug']:<20} {e['title']} [{e['queue']}] ({ins}) -> ({outs})  from {e['plugin']}")


@blocks.command("new")
def new_block(
    name: Annotated[str, typer.Argument(help="the block's name, e.g. sentiment")],
    dest: Annotated[Path, typer.Option(help="where to create the package")] = Path("."),
) -> None:
    """Scaffold an installable block plugin (entry point groundwork.blocks) with a passing test."""
    from workflow_service.scaffold import scaffold

    try:
        root = scaffold(name, dest)
    except (ValueError, FileExistsError) as exc:
        fail(str(exc), code=2)
    info(f"created {root}")
    typer.echo(f"next: cd {root} && pip install -e '.[test]' && pytest")
