"""``groundwork users create`` and ``tokens create``: the printed token is a working credential."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from click.testing import Result
from fastapi.testclient import TestClient

RunCli = Callable[..., Result]


def _me(client: TestClient, token: str) -> dict[str, object]:
    res = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert res.status_code == 200, res.text
    body: dict[str, object] = res.json()
    return body


def test_created_user_gets_a_token_that_authenticates(run_cli: RunCli, client: TestClient) -> None:
    made = run_cli("users", "create", "--email", "Ann@Example.com", "--name", "Ann",
                   "--password", "correct horse battery")
    assert made.exit_code == 0, made.output
    res = run_cli("tokens", "create", "--email", "ann@example.com", "--name", "laptop")
    assert res.exit_code == 0, res.output
    token = res.stdout.strip()
    assert "\n" not in token
    assert token.startswith("gwp_")
    me = _me(client, token)
    assert me["email"] == "ann@example.com"
    assert me["name"] == "Ann"
    assert me["is_superuser"] is False
    login = client.post("/api/v1/auth/login", json={"email": "ann@example.com",
                                                    "password": "correct horse battery"})
    assert login.status_code == 200


@pytest.mark.filterwarnings("ignore::getpass.GetPassWarning")
def test_password_is_prompted_twice_when_left_out(run_cli: RunCli, client: TestClient) -> None:
    res = run_cli("users", "create", "--email", "root@example.com", "--superuser",
                  input="s3cret-passw0rd\ns3cret-passw0rd\n")
    assert res.exit_code == 0, res.output
    assert "s3cret-passw0rd" not in res.output  # hidden input
    login = client.post("/api/v1/auth/login", json={"email": "root@example.com", "password": "s3cret-passw0rd"})
    assert login.status_code == 200
    assert login.json()["is_superuser"] is True


def test_duplicate_email_and_short_password_are_refused(run_cli: RunCli) -> None:
    assert run_cli("users", "create", "--email", "bo@example.com", "--password", "long enough pw").exit_code == 0
    again = run_cli("users", "create", "--email", "bo@example.com", "--password", "long enough pw")
    assert again.exit_code == 1
    assert "already exists" in again.stderr
    short = run_cli("users", "create", "--email", "cy@example.com", "--password", "short")
    assert short.exit_code == 2
    assert "password" in short.stderr


def test_token_for_unknown_user_is_an_error(run_cli: RunCli) -> None:
    res = run_cli("tokens", "create", "--email", "nobody@example.com")
    assert res.exit_code == 1
    assert "no user" in res.stderr
    assert res.stdout == ""
    both = run_cli("tokens", "create", "--email", "a@b.c", "--service", "x")
    assert both.exit_code == 2


def test_expiring_token_records_its_expiry(run_cli: RunCli, client: TestClient) -> None:
    run_cli("users", "create", "--email", "dee@example.com", "--password", "correct horse battery")
    token = run_cli("tokens", "create", "--email", "dee@example.com", "--expires-days", "3").stdout.strip()
    listed = client.get("/api/v1/tokens", headers={"Authorization": f"Bearer {token}"}).json()["items"]
    assert len(listed) == 1
    assert listed[0]["expires_at"] is not None
    assert listed[0]["name"] == "cli"


def test_service_token_is_created_once_per_service(run_cli: RunCli, client: TestClient) -> None:
    first = run_cli("tokens", "create", "--service", "workflow-service")
    second = run_cli("tokens", "create", "--service", "workflow-service")
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    a, b = first.stdout.strip(), second.stdout.strip()
    assert a.startswith("gws_")
    assert a != b
    me_a, me_b = _me(client, a), _me(client, b)
    assert me_a["id"] == me_b["id"]  # the same account, two tokens
    assert me_a["kind"] == "service"
    assert me_a["email"] == "workflow-service@service.groundwork"
