"""Retries against a real local HTTP server: 429/503 then 200, Retry-After honoured, unsafe methods spared."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import groundwork
import httpx
import pytest
from groundwork._retry import RetryPolicy, retry_after


class Script:
    """What the server answers, in order, and when each request arrived."""

    def __init__(self) -> None:
        self.answers: list[tuple[int, dict[str, str]]] = []
        self.arrivals: list[tuple[str, float]] = []


@pytest.fixture
def scripted() -> Iterator[tuple[str, Script]]:
    script = Script()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            script.arrivals.append((self.command, time.monotonic()))
            length = int(self.headers.get("content-length") or 0)
            self.rfile.read(length)
            status, headers = script.answers.pop(0) if script.answers else (200, {})
            body = json.dumps({"id": 1, "name": "p", "slug": "p", "created_at": "2026-11-21T00:00:00Z",
                               "updated_at": "2026-11-21T00:00:00Z"} if status < 400 else
                              {"error": {"code": "x", "message": f"status {status}", "fields": []}}).encode()
            self.send_response(status)
            for k, v in {"content-type": "application/json", **headers}.items():
                self.send_header(k, v)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer  # noqa: N815 (the names http.server calls)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", script
    server.shutdown()


def test_429_then_200_waits_for_retry_after(scripted: tuple[str, Script]) -> None:
    url, script = scripted
    script.answers = [(429, {"retry-after": "1"})]
    project = groundwork.Client(url, "t").projects.get(1)
    assert project.slug == "p"
    (_, first), (_, second) = script.arrivals
    assert second - first >= 0.95  # the server asked for a second; no sooner


def test_retry_after_as_an_http_date(scripted: tuple[str, Script]) -> None:
    url, script = scripted
    script.answers = [(503, {"retry-after": formatdate(time.time() + 2, usegmt=True)})]
    groundwork.Client(url, "t").projects.get(1)
    assert script.arrivals[1][1] - script.arrivals[0][1] >= 0.9  # HTTP dates have whole seconds


def test_unsafe_methods_are_retried_only_when_nothing_happened(scripted: tuple[str, Script]) -> None:
    url, script = scripted
    client = groundwork.Client(url, "t", max_retries=2)
    script.answers = [(500, {})]
    with pytest.raises(groundwork.InternalServerError):  # a POST that failed half-way is not repeated
        client.projects.create("x")
    assert [m for m, _ in script.arrivals] == ["POST"]
    script.answers = [(503, {"retry-after": "0"}), (429, {"retry-after": "0"})]
    assert client.projects.create("x").id == 1  # 503/429: the server did nothing, so sending again is safe
    assert len(script.arrivals) == 4
    script.answers = [(500, {}), (502, {})]
    assert client.projects.get(1).id == 1  # GET is idempotent: retried on any 5xx
    assert len(script.arrivals) == 7


def test_giving_up_raises_the_status_class(scripted: tuple[str, Script]) -> None:
    url, script = scripted
    script.answers = [(429, {"retry-after": "0"})] * 3
    with pytest.raises(groundwork.RateLimitError) as exc:
        groundwork.Client(url, "t", max_retries=2).projects.get(1)
    assert exc.value.status_code == 429 and len(script.arrivals) == 3
    script.answers = [(429, {"retry-after": "3600"})]  # longer than we would ever wait: raise at once
    with pytest.raises(groundwork.RateLimitError):
        groundwork.Client(url, "t").projects.get(1)
    assert len(script.arrivals) == 4


def test_backoff_without_retry_after_grows_and_is_jittered() -> None:
    policy = RetryPolicy(initial_delay=0.5, max_delay=8)
    delays = [policy.delay(attempt, None) for attempt in range(6) for _ in range(20)]
    assert all(d is not None for d in delays)
    by_attempt = [[policy.delay(a, None) or 0 for _ in range(50)] for a in range(6)]
    assert all(0.25 <= d <= 0.5 for d in by_attempt[0]) and all(4 <= d <= 8 for d in by_attempt[5])
    assert len({round(d, 6) for d in by_attempt[2]}) > 1  # jitter spreads clients apart
    assert retry_after(httpx.Headers({"retry-after-ms": "1500"})) == 1.5
    assert retry_after(httpx.Headers({"retry-after": "soon"})) is None
