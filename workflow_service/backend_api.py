"""The backend's HTTP API as the workflow service uses it: the SDK's client with a service token.

``groundwork.Client`` does the HTTP, authentication, error classes and retries (with backoff that
honours ``Retry-After``). The service's own endpoints are safe to repeat (run creation is keyed, a
report re-sent changes nothing), so they are retried like reads; blocks may use ``client`` for the
SDK's typed resources.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from groundwork import APIConnectionError, APIStatusError, Client, InternalServerError, RateLimitError

__all__ = ["APIStatusError", "BackendAPI", "is_unavailable"]


def is_unavailable(exc: BaseException) -> bool:
    """Whether an error means the backend is away or overloaded (worth trying again later), not a refusal."""
    return isinstance(exc, APIConnectionError | InternalServerError | RateLimitError)


class BackendAPI:
    """One per process (the SDK client pools the connections and is thread-safe)."""

    def __init__(self, base_url: str, token: str | None, *, timeout_s: float = 30.0, max_retries: int = 5) -> None:
        self.client = Client(base_url, token, timeout=timeout_s, max_retries=max_retries)

    def close(self) -> None:
        """Close the connection pool."""
        self.client.close()

    def request(self, method: str, path: str, *, idempotent: bool | None = None, **kwargs: Any) -> Any:
        """Call the API (a path under ``/api/v1``); the decoded JSON, None for 204. Errors: the SDK's classes."""
        return self.client.request(method, path, idempotent=idempotent, **kwargs)

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
        result: list[dict[str, Any]] = self.request("POST", "/service/workflow-runs", json={"runs": list(runs)},
                                                    idempotent=True)
        return result

    def report(self, runs: Sequence[Mapping[str, Any]] = (), steps: Sequence[Mapping[str, Any]] = ()) -> Any:
        """Record run and step transitions in one call."""
        if not runs and not steps:
            return {"runs": [], "steps": []}
        return self.request("POST", "/service/workflow-runs/report", json={"runs": list(runs), "steps": list(steps)},
                            idempotent=True)

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
