"""The backend's HTTP API as the workflow service uses it (service token; run/step state, domain data).

Transient failures (connection errors, 429, 502-504) are retried with backoff that honours
``Retry-After``; anything else raises ``ApiError`` with the server's message.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import httpx

RETRY_STATUSES = {429, 502, 503, 504}


class ApiError(Exception):
    """The backend refused a call; ``status`` and ``body`` say why."""

    def __init__(self, status: int, body: Any, method: str, path: str) -> None:
        message = body.get("message") if isinstance(body, dict) else str(body)[:500]
        super().__init__(f"{method} {path} -> {status}: {message}")
        self.status, self.body = status, body


class BackendAPI:
    """A small synchronous client; one per process (httpx pools the connections)."""

    def __init__(self, base_url: str, token: str | None, *, timeout_s: float = 30.0, attempts: int = 6,
                 transport: httpx.BaseTransport | None = None) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.base_url, self.token = base_url.rstrip("/"), token  # blocks open SDK clients with them
        self.attempts = attempts
        self.http = httpx.Client(base_url=base_url.rstrip("/") + "/api/v1", headers=headers, timeout=timeout_s,
                                 transport=transport or httpx.HTTPTransport(retries=2))

    def close(self) -> None:
        """Close the connection pool."""
        self.http.close()

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        """Call the API; returns the decoded JSON (None for 204)."""
        for attempt in range(1, self.attempts + 1):
            try:
                response = self.http.request(method, path, **kwargs)
            except httpx.TransportError:
                if attempt == self.attempts:
                    raise
                time.sleep(self._delay(attempt, None))
                continue
            if response.status_code in RETRY_STATUSES and attempt < self.attempts:
                time.sleep(self._delay(attempt, response.headers.get("Retry-After")))
                continue
            if response.status_code >= 400:
                try:
                    body: Any = response.json()
                except ValueError:
                    body = response.text
                raise ApiError(response.status_code, body, method, path)
            return response.json() if response.content else None
        raise AssertionError("unreachable")

    @staticmethod
    def _delay(attempt: int, retry_after: str | None) -> float:
        if retry_after:
            try:
                return min(60.0, max(0.0, float(retry_after)))
            except ValueError:
                pass
        return random.uniform(0, min(10.0, 0.2 * 2 ** attempt))

    # -- the workflow service's own endpoints --------------------------------------------------------
    def register_blocks(self, blocks: Sequence[Mapping[str, Any]], *, replace: bool = False) -> Any:
        """Publish this worker's block catalogue."""
        return self.request("PUT", "/blocks", json={"blocks": list(blocks), "replace": replace})

    def active_workflows(self) -> list[dict[str, Any]]:
        """Every enabled workflow with its current version's definition."""
        result: list[dict[str, Any]] = self.request("GET", "/service/workflows")
        return result

    def start_runs(self, runs: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Create runs idempotently (one per trigger key and version); one result per item."""
        result: list[dict[str, Any]] = self.request("POST", "/service/workflow-runs", json={"runs": list(runs)})
        return result

    def report(self, runs: Sequence[Mapping[str, Any]] = (), steps: Sequence[Mapping[str, Any]] = ()) -> Any:
        """Record run and step transitions in one call."""
        if not runs and not steps:
            return {"runs": [], "steps": []}
        return self.request("POST", "/service/workflow-runs/report", json={"runs": list(runs), "steps": list(steps)})

    def get_run(self, run_id: int) -> dict[str, Any]:
        """A run with all its steps and their outputs."""
        result: dict[str, Any] = self.request("GET", f"/service/workflow-runs/{run_id}")
        return result

    def active_runs(self) -> Iterator[dict[str, Any]]:
        """Runs still pending or running (for recovery after a restart)."""
        after = 0
        while True:
            page: list[dict[str, Any]] = self.request(
                "GET", "/service/workflow-runs", params={"status": "pending,running", "after_id": after, "limit": 500})
            yield from page
            if len(page) < 500:
                return
            after = page[-1]["run_id"]

    def upload_artifact(self, run_id: int, step_key: str, name: str, data: bytes, media_type: str) -> dict[str, Any]:
        """Store a file a step produced (a report); answers its id and download URL."""
        result: dict[str, Any] = self.request(
            "PUT", f"/service/workflow-runs/{run_id}/artifacts/{step_key}/{name}",
            files={"file": (name, data, media_type)})
        return result

    # -- domain data for blocks ----------------------------------------------------------------------
    def paged(self, path: str, params: Mapping[str, Any] | None = None, *, limit: int = 500) -> Iterator[Any]:
        """Every item of a paginated list endpoint."""
        query = {**(params or {}), "limit": limit}
        while True:
            page = self.request("GET", path, params=query)
            yield from page["items"]
            cursor = page.get("next_cursor")
            if not cursor:
                return
            query["cursor"] = cursor
