"""Shared fixtures: a migrated database (SQLite, or PostgreSQL via GROUNDWORK_TEST_DATABASE_URL),
the app, clients authenticated as users of each role, and a live server for concurrency tests.

Every test runs against a real database; tables are emptied after each test.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from backend.app import create_app
from backend.auth import service as auth_service
from backend.auth.models import User
from backend.auth.schemas import TokenCreate, UserCreate
from backend.config import Settings
from backend.core.db import make_engine, make_session_factory, transaction
from backend.migrations.runner import upgrade
from backend.models_registry import Base
from backend.projects.models import Member, Role
from tests.netutil import free_port

TEST_DB_URL = os.environ.get("GROUNDWORK_TEST_DATABASE_URL")
PASSWORD = "correct horse battery staple"


def pytest_report_header() -> str:
    return f"groundwork database: {TEST_DB_URL or 'sqlite (temporary file)'}"


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing() -> Iterator[None]:
    # Production argon2 parameters cost ~0.1 s a hash; tests create hundreds of users.
    import backend.auth.security as security

    original = security._hasher
    security._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    security._hasher = original


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    data_dir = tmp_path_factory.mktemp("data")
    return Settings(env="test", data_dir=data_dir, database_url=TEST_DB_URL,
                    secret_key="test-secret-key-test-secret-key-0123456789",
                    login_rate_limit="1000/minute", background_workers=False)


@pytest.fixture(scope="session")
def engine(settings: Settings) -> Iterator[Engine]:
    eng = make_engine(settings)
    if eng.dialect.name == "postgresql":
        with eng.begin() as conn:  # start from empty: a previous run may have left tables behind
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture(scope="session")
def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


@pytest.fixture(scope="session")
def app(settings: Settings, engine: Engine) -> FastAPI:
    return create_app(settings)


@pytest.fixture(autouse=True)
def _clean_tables(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "engine" not in request.fixturenames:
        return
    eng: Engine = request.getfixturevalue("engine")
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with eng.begin() as conn:
        if eng.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                conn.execute(text(f"DELETE FROM {name}"))
            # like RESTART IDENTITY: AUTOINCREMENT tables (events) start again from 1
            conn.execute(text("DELETE FROM sqlite_sequence"))


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """An anonymous client."""
    with TestClient(app) as c:
        yield c


@dataclass
class Actor:
    """A user with a bearer-token client."""

    user: User
    token: str
    client: TestClient


@pytest.fixture
def make_user(app: FastAPI, settings: Settings) -> Iterator[Callable[..., Actor]]:
    """Create users on demand: ``make_user("ann@x.org", superuser=False)`` → Actor."""
    clients: list[TestClient] = []
    factory = make_session_factory(app.state.engine)

    def _make(email: str, *, superuser: bool = False, name: str | None = None) -> Actor:
        with transaction(factory) as s:
            user = auth_service.create_user(
                s, UserCreate(email=email, name=name or email.split("@")[0], password=PASSWORD,
                              is_superuser=superuser))
            token = auth_service.create_token(s, user, TokenCreate(name="tests"), settings.secret_key)
        c = TestClient(app, headers={"Authorization": f"Bearer {token.secret}"})
        clients.append(c)
        return Actor(user=user, token=token.secret, client=c)

    yield _make
    for c in clients:
        c.close()


@pytest.fixture
def add_member(app: FastAPI) -> Callable[[int, Actor, Role], None]:
    """Give a user a role in a project, bypassing the API."""
    factory = make_session_factory(app.state.engine)

    def _add(project_id: int, actor: Actor, role: Role) -> None:
        with transaction(factory) as s:
            s.add(Member(project_id=project_id, user_id=actor.user.id, role=role))

    return _add


@dataclass
class Team:
    """One project with a user in every role, plus an outsider who is in another project."""

    project_id: int
    admin: Actor
    editor: Actor
    annotator: Actor
    viewer: Actor
    outsider: Actor

    def by_role(self, role: str) -> Actor:
        return getattr(self, role)  # type: ignore[no-any-return]


@pytest.fixture
def team(make_user: Callable[..., Actor], add_member: Callable[[int, Actor, Role], None]) -> Team:
    admin = make_user("admin@example.com")
    project = admin.client.post("/api/v1/projects", json={"name": "Team project"}).json()
    actors = {r: make_user(f"{r}@example.com") for r in ("editor", "annotator", "viewer", "outsider")}
    for role in ("editor", "annotator", "viewer"):
        add_member(project["id"], actors[role], Role(role))
    actors["outsider"].client.post("/api/v1/projects", json={"name": "Elsewhere"})
    return Team(project_id=project["id"], admin=admin, **actors)



@pytest.fixture
def live_server(app: FastAPI) -> Iterator[str]:
    """The app served by a real uvicorn on a free port (for concurrency tests); yields the base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("live server did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def media_dir(settings: Settings) -> Path:
    return settings.media_dir


__all__ = ["PASSWORD", "Actor", "Team", "httpx"]
