"""The backend serves the built browser UI: page paths get index.html, the API keeps its JSON 404s."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from backend.app import create_app
from backend.config import Settings

INDEX = "<!doctype html><title>Groundwork</title><div id=root></div>"


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    d = tmp_path / "dist"
    (d / "assets").mkdir(parents=True)
    (d / "index.html").write_text(INDEX)
    (d / "assets" / "app-1234.js").write_text("console.log('hi')")
    return d


def _client(settings: Settings, dist: Path) -> TestClient:
    return TestClient(create_app(settings.model_copy(update={"frontend_dist": dist})))


def test_page_paths_get_the_app_and_api_paths_stay_json(settings: Settings, engine: Engine, dist: Path) -> None:
    with _client(settings, dist) as client:
        for path in ("/", "/projects/1", "/projects/1/files/7/annotate", "/login?next=/x"):
            res = client.get(path)
            assert res.status_code == 200, path
            assert res.text == INDEX
            assert res.headers["content-type"].startswith("text/html")
            assert res.headers["cache-control"] == "no-cache"

        for method, path in (("GET", "/api/v1/nope"), ("POST", "/api/v1/nope"), ("GET", "/api/v1")):
            res = client.request(method, path)
            assert res.status_code == 404, (method, path)
            assert res.json()["error"]["code"] == "not_found"

        wrong_method = client.get("/api/v1/auth/login")  # a POST-only route keeps answering 405
        assert wrong_method.status_code == 405
        assert wrong_method.json()["error"]["code"] == "method_not_allowed"

        assert client.get("/api/v1/health").json()["status"] == "ok"
        assert client.get("/openapi.json").json()["info"]["title"] == "Groundwork API"


def test_built_assets_are_served_and_cached_and_missing_ones_are_404(
        settings: Settings, engine: Engine, dist: Path) -> None:
    with _client(settings, dist) as client:
        res = client.get("/assets/app-1234.js")
        assert res.status_code == 200
        assert res.text == "console.log('hi')"
        assert "immutable" in res.headers["cache-control"]
        missing = client.get("/assets/gone-999.js")
        assert missing.status_code == 404
        assert missing.json()["error"]["code"] == "not_found"


def test_without_a_build_nothing_is_mounted(settings: Settings, engine: Engine, tmp_path: Path) -> None:
    with _client(settings, tmp_path / "not-built") as client:
        res = client.get("/projects/1")
        assert res.status_code == 404
        assert res.json()["error"]["code"] == "not_found"
