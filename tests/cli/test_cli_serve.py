"""``groundwork serve``: first start makes an admin whose password is saved 0600 and works; later starts don't."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from click.testing import Result
from fastapi.testclient import TestClient

from tests.netutil import free_port

RunCli = Callable[..., Result]


def _printed_password(output: str) -> str:
    match = re.search(r"admin@localhost / (\S+)", output)
    assert match, output
    return match.group(1)


def test_first_start_creates_admin_with_private_password_file(run_cli: RunCli, cli_data_dir: Path,
                                                               client: TestClient) -> None:
    first = run_cli("serve", "--setup-only", "--port", "8123")
    assert first.exit_code == 0, first.output
    password = _printed_password(first.stdout)
    path = cli_data_dir / "admin-password.txt"
    assert path.read_text().strip() == password
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "http://127.0.0.1:8123" in first.stdout
    assert "http://127.0.0.1:8123/docs" in first.stdout
    assert "tokens create --email admin@localhost" in first.stdout

    login = client.post("/api/v1/auth/login", json={"email": "admin@localhost", "password": password})
    assert login.status_code == 200, login.text
    assert login.json()["is_superuser"] is True

    again = run_cli("serve", "--setup-only")
    assert again.exit_code == 0, again.output
    assert password not in again.output  # shown once; afterwards only where it is
    assert str(path) in again.stdout
    assert path.read_text().strip() == password
    users = client.get("/api/v1/users", headers={"Cookie": f"gw_session={login.cookies['gw_session']}"})
    assert [u["email"] for u in users.json()["items"]] == ["admin@localhost"]


def test_no_admin_is_made_when_users_exist(run_cli: RunCli, cli_data_dir: Path) -> None:
    run_cli("users", "create", "--email", "owner@example.com", "--password", "correct horse battery")
    res = run_cli("serve", "--setup-only")
    assert res.exit_code == 0, res.output
    assert not (cli_data_dir / "admin-password.txt").exists()
    assert "admin@localhost /" not in res.stdout
    assert "users create" in res.stdout



def test_serve_runs_a_real_server_on_a_fresh_data_dir(tmp_path: Path) -> None:
    """The embedded default end to end: a new SQLite data dir, a real uvicorn, log in with the printed password."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GROUNDWORK_")}
    env |= {"GROUNDWORK_DATA_DIR": str(tmp_path / "data"), "GROUNDWORK_PORT": str(port)}
    proc = subprocess.Popen([sys.executable, "-m", "backend.cli.main", "serve", "--no-demo"], env=env,
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=2).json()["status"] == "ok":
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "server did not come up"
            time.sleep(0.2)
        assert httpx.get(f"{base}/openapi.json").json()["info"]["title"] == "Groundwork API"
        password = (tmp_path / "data" / "admin-password.txt").read_text().strip()
        login = httpx.post(f"{base}/api/v1/auth/login", json={"email": "admin@localhost", "password": password})
        assert login.status_code == 200, login.text
        # the embedded workflow worker started with serve and published its block catalogue
        while not any(b["slug"] == "human_task" for b in httpx.get(f"{base}/api/v1/blocks",
                                                                    cookies=login.cookies).json()):
            assert time.monotonic() < deadline + 60, "the embedded worker did not register its blocks"
            time.sleep(0.2)
        assert (tmp_path / "data" / "groundwork.db").exists()
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    assert f"Groundwork is starting on {base}" in out
