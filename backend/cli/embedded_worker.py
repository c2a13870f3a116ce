"""The workflow service inside ``groundwork serve`` (the laptop default): two child processes, stopped with it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from backend.auth import repository, service
from backend.auth.schemas import TokenCreate
from backend.cli._context import info, open_database, unit_of_work
from backend.config import Settings

SERVICE_NAME = "embedded-worker"
TOKEN_NAME = "groundwork serve"  # noqa: S105 (a label, not a secret)


def mint_token(settings: Settings) -> str:
    """A fresh token for the embedded worker's service account; the previous ones are revoked."""
    with open_database(settings) as engine, unit_of_work(engine) as session:
        account = service.create_service_account(session, SERVICE_NAME)
        for old in repository.tokens_of(session, account.id, None, 1000):
            if old.name == TOKEN_NAME and old.revoked_at is None:
                service.revoke_token(session, account, old.id)
        return service.create_token(session, account, TokenCreate(name=TOKEN_NAME), settings.secret_key).secret


def embedded_queues(environ: Mapping[str, str]) -> str:
    """The queues the laptop's one executor serves: ``cpu,gpu`` (ML blocks run too), unless configured."""
    return environ.get("GROUNDWORK_WORKER_QUEUES") or "cpu,gpu"


@contextmanager
def embedded_worker(settings: Settings) -> Iterator[None]:
    """Run the orchestrator and an executor beside the API while the block is active."""
    if not settings.embedded_worker:
        yield
        return
    env = {**os.environ, "GROUNDWORK_API_URL": f"http://127.0.0.1:{settings.port}",
           "GROUNDWORK_SERVICE_TOKEN": mint_token(settings), "GROUNDWORK_DATA_DIR": str(settings.data_dir.resolve()),
           "GROUNDWORK_BROKER_URL": settings.broker_url or "", "GROUNDWORK_PARENT_PID": str(os.getpid())}
    base = [sys.executable, "-m", "workflow_service"]
    queues = embedded_queues(os.environ)
    children = [subprocess.Popen([*base, "orchestrator"], env=env),  # noqa: S603  (our own interpreter)
                subprocess.Popen([*base, "executor", "--queues", queues], env=env)]  # noqa: S603
    info(f"  workflows:  an embedded worker runs the workflow blocks on queues {queues} "
         "(GROUNDWORK_EMBEDDED_WORKER=false to turn off)")
    try:
        yield
    finally:
        for child in children:
            child.terminate()
        for child in children:
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                child.kill()
