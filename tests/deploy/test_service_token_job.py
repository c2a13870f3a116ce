"""The chart's service-token Job script, run for real: the real `groundwork tokens create` on the test database,
and a stand-in for the Kubernetes API's Secret endpoints (there is no Kubernetes API server on the test machines;
the stand-in speaks the same paths, verbs, bearer authentication and status codes for the calls the script makes).
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from conftest import CHART
from fastapi.testclient import TestClient

from backend.config import Settings

SCRIPT = CHART / "files" / "service_token.py"
NAMESPACE = "team"
SA_TOKEN = "kube-sa-token"
PREFIX = f"/api/v1/namespaces/{NAMESPACE}/secrets"


class FakeSecretsAPI(BaseHTTPRequestHandler):
    """GET/POST/PATCH of core/v1 Secrets in one namespace, kept in ``server.secrets``."""

    server: Any

    def _answer(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _authorized(self) -> bool:
        self.server.calls.append((self.command, self.path, self.headers.get("Content-Type")))
        if self.headers.get("Authorization") != f"Bearer {SA_TOKEN}":
            self._answer(401, {"kind": "Status", "message": "Unauthorized"})
            return False
        return True

    def _body(self) -> dict[str, Any]:
        body: dict[str, Any] = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        return body

    def do_GET(self) -> None:
        if self._authorized():
            name = self.path.removeprefix(PREFIX + "/")
            secret = self.server.secrets.get(name)
            self._answer(200, secret) if secret else self._answer(404, {"message": f'secrets "{name}" not found'})

    def do_POST(self) -> None:
        if self._authorized():
            assert self.path == PREFIX
            secret = self._body()
            name = secret["metadata"]["name"]
            if name in self.server.secrets:
                self._answer(409, {"message": "already exists"})
                return
            self.server.secrets[name] = secret
            self._answer(201, secret)

    def do_PATCH(self) -> None:
        if self._authorized():
            assert self.headers["Content-Type"] == "application/merge-patch+json"
            name = self.path.removeprefix(PREFIX + "/")
            self.server.secrets[name].setdefault("data", {}).update(self._body()["data"])
            self._answer(200, self.server.secrets[name])

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def kube_api() -> Iterator[Any]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeSecretsAPI)
    server.secrets, server.calls = {}, []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def run_job(kube_api: Any, settings: Settings, engine: object, tmp_path: Path) -> Any:
    """Run the Job's script as the chart does (python -c), against the test database and the stand-in API."""
    account = tmp_path / "serviceaccount"
    account.mkdir()
    (account / "token").write_text(SA_TOKEN + "\n")
    (account / "namespace").write_text(NAMESPACE)
    env = {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "KUBERNETES_API_URL": f"http://127.0.0.1:{kube_api.server_address[1]}",
        "SERVICEACCOUNT_DIR": str(account),
        "SECRET_NAME": "gw-groundwork-service-token",
        "SECRET_KEY_NAME": "service-token",
        "TOKEN_NAME": "helm-gw",
        "SECRET_LABELS": json.dumps({"app.kubernetes.io/instance": "gw"}),
        "GROUNDWORK_ENV": "test",
        "GROUNDWORK_DATABASE_URL": settings.resolved_database_url,
        "GROUNDWORK_SECRET_KEY": settings.secret_key,
        "GROUNDWORK_DATA_DIR": str(tmp_path / "data"),
    }

    def _run() -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", SCRIPT.read_text()], env=env, capture_output=True,
                              text=True, timeout=120, check=False)

    return _run


def stored_token(kube_api: Any) -> str:
    secret = kube_api.secrets["gw-groundwork-service-token"]
    return base64.b64decode(secret["data"]["service-token"]).decode()


def test_job_creates_a_working_service_token_once(run_job: Any, kube_api: Any, client: TestClient) -> None:
    first = run_job()
    assert first.returncode == 0, first.stderr
    secret = kube_api.secrets["gw-groundwork-service-token"]
    assert secret["metadata"]["labels"] == {"app.kubernetes.io/instance": "gw"}
    token = stored_token(kube_api)
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200, me.text
    assert me.json()["email"] == "workflow-service@service.groundwork"
    assert me.json()["kind"] == "service"
    assert token not in first.stdout + first.stderr  # the secret goes to the Secret only, never to the Job's log

    second = run_job()  # an upgrade runs the hook again: the workers' token stays
    assert second.returncode == 0, second.stderr
    assert "nothing to do" in second.stdout
    assert stored_token(kube_api) == token
    assert [c[0] for c in kube_api.calls] == ["GET", "POST", "GET"]


def test_job_adds_the_token_to_a_secret_that_lacks_it(run_job: Any, kube_api: Any, client: TestClient) -> None:
    kube_api.secrets["gw-groundwork-service-token"] = {
        "apiVersion": "v1", "kind": "Secret", "metadata": {"name": "gw-groundwork-service-token"},
        "data": {"other": base64.b64encode(b"kept").decode()}}
    done = run_job()
    assert done.returncode == 0, done.stderr
    assert [c[0] for c in kube_api.calls] == ["GET", "PATCH"]
    data = kube_api.secrets["gw-groundwork-service-token"]["data"]
    assert base64.b64decode(data["other"]) == b"kept"
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {stored_token(kube_api)}"})
    assert me.status_code == 200


def test_job_fails_loudly_when_the_kubernetes_api_refuses(run_job: Any, kube_api: Any,
                                                          tmp_path: Path) -> None:
    (tmp_path / "serviceaccount" / "token").write_text("wrong")
    done = run_job()
    assert done.returncode == 1
    assert "HTTP 401" in done.stderr
    assert kube_api.secrets == {}
