"""The whole platform for the ML workflow tests: ``groundwork serve``, an orchestrator and a Celery executor
serving the ``cpu`` and ``gpu`` queues (the ML blocks' queue), with a local MLflow store of the test's own."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.workflow_service.wfplatform import TEST_DB_URL, Platform, launched, platform_env


@contextmanager
def ml_platform(kind: str, data_dir: Path, secret_key: str, service_token: str, admin_token: str,
                tmp_path: Path) -> Iterator[Platform]:
    """Start the processes on RabbitMQ or the embedded broker; stop them (and print their logs) afterwards."""
    (tmp_path / "mlflow").mkdir(exist_ok=True)
    extra = {"GROUNDWORK_MLFLOW_TRACKING_URI": f"sqlite:///{tmp_path / 'mlflow' / 'mlflow.db'}", "HF_HUB_OFFLINE": "1"}
    if TEST_DB_URL:
        extra["GROUNDWORK_DATABASE_URL"] = TEST_DB_URL
    env = platform_env(kind, data_dir, secret_key, service_token, tmp_path, **extra)
    with launched(kind, env, admin_token, tmp_path, ready_block="zero_shot_text", queues=("cpu", "gpu"),
                  timeout=60, log_lines=80) as p:
        yield p
