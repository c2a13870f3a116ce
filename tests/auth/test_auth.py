"""Login sessions, API tokens (hashed, shown once, revocable, expiring) and login throttling."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from backend.app import create_app
from backend.auth.models import ApiToken, BrowserSession
from backend.config import Settings
from tests.conftest import PASSWORD, Actor


def test_browser_login_sets_http_only_cookie_and_logout_ends_it(client: TestClient,
                                                                make_user: Callable[..., Actor]) -> None:
    make_user("ann@example.com")
    bad = client.post("/api/v1/auth/login", json={"email": "ann@example.com", "password": "nope"})
    assert bad.status_code == 401 and bad.json()["error"]["code"] == "unauthorized"
    res = client.post("/api/v1/auth/login", json={"email": "ANN@example.com ", "password": PASSWORD})
    assert res.status_code == 200, res.text
    cookie = res.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert client.get("/api/v1/auth/me").json()["email"] == "ann@example.com"
    assert client.post("/api/v1/auth/logout").status_code == 204
    assert client.get("/api/v1/auth/me").status_code == 401


def test_cookie_writes_from_another_origin_are_refused(client: TestClient, make_user: Callable[..., Actor]) -> None:
    make_user("ann@example.com")
    client.post("/api/v1/auth/login", json={"email": "ann@example.com", "password": PASSWORD})
    evil = client.post("/api/v1/projects", json={"name": "x"}, headers={"origin": "https://evil.example"})
    assert evil.status_code == 403
    ok = client.post("/api/v1/projects", json={"name": "x"}, headers={"origin": "http://testserver"})
    assert ok.status_code == 201


def test_token_is_shown_once_stored_hashed_and_revocable(make_user: Callable[..., Actor], app: FastAPI,
                                                         engine: Engine) -> None:
    ann = make_user("ann@example.com")
    created = ann.client.post("/api/v1/tokens", json={"name": "laptop"})
    assert created.status_code == 201
    secret = created.json()["token"]
    assert secret.startswith("gwp_")
    listed = ann.client.get("/api/v1/tokens").json()["items"]
    assert all("token" not in t for t in listed) and len(listed) == 2
    with engine.connect() as conn:
        hashes = list(conn.scalars(select(ApiToken.token_hash)))
    assert secret not in hashes and all(len(h) == 64 for h in hashes)

    with TestClient(app, headers={"Authorization": f"Bearer {secret}"}) as c:
        assert c.get("/api/v1/auth/me").status_code == 200
        assert ann.client.delete(f"/api/v1/tokens/{created.json()['id']}").status_code == 200
        assert c.get("/api/v1/auth/me").status_code == 401


def test_expired_token_is_refused(make_user: Callable[..., Actor], app: FastAPI) -> None:
    ann = make_user("ann@example.com")
    past = ann.client.post("/api/v1/tokens", json={"name": "old", "expires_at": "2001-01-01T00:00:00Z"})
    assert past.status_code == 422 and past.json()["error"]["fields"][0]["field"] == "body.expires_at"
    soon = (datetime.now(UTC) + timedelta(seconds=1)).isoformat()
    token = ann.client.post("/api/v1/tokens", json={"name": "soon", "expires_at": soon}).json()["token"]
    import time

    time.sleep(1.2)
    with TestClient(app, headers={"Authorization": f"Bearer {token}"}) as c:
        assert c.get("/api/v1/auth/me").status_code == 401


def test_other_users_tokens_cannot_be_revoked(make_user: Callable[..., Actor]) -> None:
    ann, bob = make_user("ann@example.com"), make_user("bob@example.com")
    token_id = ann.client.get("/api/v1/tokens").json()["items"][0]["id"]
    assert bob.client.delete(f"/api/v1/tokens/{token_id}").status_code == 404


def test_login_is_rate_limited(settings: Settings, make_user: Callable[..., Actor], engine: Engine) -> None:
    make_user("ann@example.com")
    strict = create_app(settings.model_copy(update={"login_rate_limit": "3/minute"}))
    with TestClient(strict) as c:
        codes = [c.post("/api/v1/auth/login", json={"email": "ann@example.com", "password": "wrong"}).status_code
                 for _ in range(4)]
        assert codes == [401, 401, 401, 429]
        blocked = c.post("/api/v1/auth/login", json={"email": "ann@example.com", "password": PASSWORD})
        assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0
    with engine.connect() as conn:
        assert conn.scalar(select(BrowserSession.id)) is None
    strict.state.engine.dispose()


def test_only_instance_admins_create_users(make_user: Callable[..., Actor]) -> None:
    root, ann = make_user("root@example.com", superuser=True), make_user("ann@example.com")
    body = {"email": "new@example.com", "name": "New", "password": "long enough password"}
    assert ann.client.post("/api/v1/users", json=body).status_code == 403
    assert root.client.post("/api/v1/users", json=body).status_code == 201
    dup = root.client.post("/api/v1/users", json=body)
    assert dup.status_code == 409 and dup.json()["error"]["fields"][0]["field"] == "body.email"
    short = root.client.post("/api/v1/users", json={**body, "email": "x@example.com", "password": "short"})
    assert short.status_code == 422 and short.json()["error"]["fields"][0]["field"] == "body.password"


def test_missing_or_garbage_credentials_get_401(client: TestClient) -> None:
    assert client.get("/api/v1/projects").status_code == 401
    res = client.get("/api/v1/projects", headers={"Authorization": "Bearer gwp_nonsense"})
    assert res.status_code == 401 and res.headers["www-authenticate"] == "Bearer"
