"""Helpers for webhook tests: a real HTTP receiver that checks signatures with the snippet from
docs/webhooks.md, and reading events back."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from backend.events.models import Event

DOCS = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"


def documented_verifier() -> Callable[..., bool]:
    """``verify_groundwork_signature`` exactly as docs/webhooks.md shows it."""
    match = re.search(r"```python\n(.*?def verify_groundwork_signature.*?)```", DOCS.read_text(), re.S)
    assert match, "docs/webhooks.md lost its verification snippet"
    namespace: dict[str, Any] = {}
    exec(compile(match.group(1), str(DOCS), "exec"), namespace)
    return namespace["verify_groundwork_signature"]  # type: ignore[no-any-return]


verify_signature = documented_verifier()


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    verified: bool

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.body)  # type: ignore[no-any-return]


class _Handler(BaseHTTPRequestHandler):
    server: Receiver

    def log_message(self, *_args: Any) -> None:
        pass

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        srv = self.server
        header = self.headers.get("Groundwork-Signature", "")
        verified = srv.secret is not None and verify_signature(srv.secret, header, body)
        with srv.lock:
            srv.received.append(Received(self.path, dict(self.headers.items()), body, verified))
            status = srv.script.pop(0) if srv.script else srv.default
        if srv.delay_s:
            time.sleep(srv.delay_s)
        if status == 200 and srv.secret is not None and not verified:
            status = 401  # what a real receiver does with a bad signature
        reply = f"status {status}".encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(reply)))
        for key, value in srv.extra_headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(reply)


class Receiver(ThreadingHTTPServer):
    """Answers POSTs with the statuses in ``script`` (then ``default``); records each request."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.received: list[Received] = []
        self.script: list[int] = []
        self.default = 200
        self.secret: str | None = None
        self.delay_s = 0.0
        self.extra_headers: dict[str, str] = {}

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # the dispatcher gave up on a slow answer: expected in timeout tests

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"



def events_of(engine: Engine, type_: str) -> list[Event]:
    with Session(engine) as s:
        return list(s.scalars(select(Event).where(Event.type == type_).order_by(Event.id)))
