"""The API image's HEALTHCHECK script against a real server (the app under uvicorn) and against nothing."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

from conftest import DOCKER_DIR

SCRIPT = DOCKER_DIR / "healthcheck.py"


def run_check(port: int) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GROUNDWORK_PORT": str(port)}
    return subprocess.run([sys.executable, str(SCRIPT)], env=env, capture_output=True, text=True,
                          timeout=30, check=False)


def test_healthy_when_the_api_answers(live_server: str) -> None:
    done = run_check(int(live_server.rsplit(":", 1)[1]))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


def test_unhealthy_when_nothing_listens() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # bound, not listening: connections are refused
        done = run_check(port)
    assert done.returncode == 1
    assert done.stderr.startswith(f"unhealthy: http://127.0.0.1:{port}/api/v1/health")
