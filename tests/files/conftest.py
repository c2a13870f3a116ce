"""Fixtures for file tests: apps built with other settings, and clients for them."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from backend.app import create_app
from backend.config import Settings


@pytest.fixture
def app_with(settings: Settings, engine: Engine) -> Iterator[Callable[..., FastAPI]]:
    """Build an app on the same database with some settings changed: ``app_with(max_file_bytes=10)``."""
    apps: list[FastAPI] = []

    def _make(**overrides: Any) -> FastAPI:
        app = create_app(settings.model_copy(update=overrides))
        apps.append(app)
        return app

    yield _make
    for app in apps:
        app.state.engine.dispose()


@pytest.fixture
def client_for() -> Iterator[Callable[[FastAPI, str], TestClient]]:
    """A bearer-token client on another app: ``client_for(app, actor.token)``."""
    clients: list[TestClient] = []

    def _make(app: FastAPI, token: str) -> TestClient:
        c = TestClient(app, headers={"Authorization": f"Bearer {token}"})
        clients.append(c)
        return c

    yield _make
    for c in clients:
        c.close()


class _Handler(BaseHTTPRequestHandler):
    """Routes: /file/NAME (bytes registered in ``server.blobs``), /redirect?to=URL, /loop, /slow,
    /host (echoes the Host header), /nolength (body without Content-Length); anything else 404."""

    server: _WebServer

    def log_message(self, *_args: Any) -> None:
        pass

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None,
              length: bool = True) -> None:
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        self.server.hits.append(url.path)
        if url.path.startswith("/file/"):
            blob = self.server.blobs.get(url.path[len("/file/"):])
            if blob is None:
                self._send(404, b"missing")
            else:
                self._send(200, blob[0], blob[1])
        elif url.path == "/redirect":
            self._send(302, headers={"Location": parse_qs(url.query)["to"][0]})
        elif url.path == "/loop":
            self._send(302, headers={"Location": "/loop"})
        elif url.path == "/slow":
            time.sleep(3)
            self._send(200, b"late")
        elif url.path == "/host":
            self._send(200, self.headers["Host"].encode(), {"Content-Type": "text/plain"})
        elif url.path == "/nolength":
            self._send(200, b"y" * 5000, length=False)
        else:
            self._send(404, b"not here")


class _WebServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, host: str) -> None:
        super().__init__((host, 0), _Handler)
        self.blobs: dict[str, tuple[bytes, dict[str, str]]] = {}
        self.hits: list[str] = []

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that gave up (timeout tests) makes the handler's write fail: expected

    @property
    def base(self) -> str:
        return f"http://{self.server_address[0]}:{self.server_address[1]}"


@pytest.fixture
def web() -> Iterator[Callable[[str], _WebServer]]:
    """Start little HTTP servers on loopback addresses: ``web("127.0.0.1")`` → server (``.base``, ``.blobs``)."""
    servers: list[_WebServer] = []

    def _start(host: str = "127.0.0.1") -> _WebServer:
        server = _WebServer(host)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield _start
    for server in servers:
        server.shutdown()
        server.server_close()
