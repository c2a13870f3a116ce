"""The HTTP core shared by every resource: auth header, JSON in and out, the error family, retries."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx
from pydantic import TypeAdapter

from groundwork import __version__
from groundwork._exceptions import APIConnectionError, APITimeoutError, error_for
from groundwork._retry import RetryPolicy, should_retry_error, should_retry_status

T = TypeVar("T")
API_PREFIX = "/api/v1"
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)
_ADAPTERS: dict[Any, TypeAdapter[Any]] = {}


def adapter(tp: Any) -> TypeAdapter[Any]:
    """A cached pydantic TypeAdapter for ``tp`` (building one is not free)."""
    found = _ADAPTERS.get(tp)
    if found is None:
        found = _ADAPTERS[tp] = TypeAdapter(tp)
    return found


@dataclass(frozen=True)
class Connection:
    """Everything needed to open a client again elsewhere (a DataLoader worker, a subprocess): picklable."""

    base_url: str
    token: str | None
    timeout: float = 60.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)

    @classmethod
    def resolve(cls, url: str | None, token: str | None, *, timeout: float, max_retries: int) -> Connection:
        """Arguments first, then ``GROUNDWORK_URL`` / ``GROUNDWORK_TOKEN``."""
        url = url or os.environ.get("GROUNDWORK_URL")
        if not url:
            raise ValueError("no server URL: pass Client(url=...) or set GROUNDWORK_URL")
        token = token or os.environ.get("GROUNDWORK_TOKEN")
        base = url.rstrip("/")
        base = base if base.endswith(API_PREFIX) else base + API_PREFIX
        return cls(base, token, timeout, RetryPolicy(max_retries=max_retries))

    def headers(self) -> dict[str, str]:
        """Default headers of every request."""
        out = {"user-agent": f"groundwork-sdk/{__version__}", "accept": "application/json"}
        if self.token:
            out["authorization"] = f"Bearer {self.token}"
        return out

    def httpx_timeout(self) -> httpx.Timeout:
        """The timeout as httpx wants it (connecting gets at most 10 s)."""
        return httpx.Timeout(self.timeout, connect=min(10.0, self.timeout))


def _transport_error(exc: httpx.TransportError) -> APIConnectionError:
    cls = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
    return cls(f"{type(exc).__name__}: {exc}", request=getattr(exc, "_request", None))


class SyncAPIClient:
    """A thread-safe synchronous HTTP client bound to one server and token."""

    def __init__(self, conn: Connection, http_client: httpx.Client | None = None) -> None:
        self.conn = conn
        self._http = http_client or httpx.Client(timeout=conn.httpx_timeout(),
                                                 limits=httpx.Limits(max_connections=64))

    def request(self, method: str, path: str, *, params: Mapping[str, Any] | None = None, json: Any = None,
                files: Any = None, data: Any = None, stream: bool = False,
                timeout: float | None = None, idempotent: bool | None = None) -> httpx.Response:
        """Send with retries; an error status raises its exception class. ``stream``: the body is left unread.

        ``idempotent=True`` lets a POST be retried like a GET (for endpoints where repeating is harmless).
        """
        url = self.conn.base_url + path
        retry = self.conn.retry
        clean = {k: v for k, v in (params or {}).items() if v is not None}
        for attempt in range(retry.max_retries + 1):
            last = attempt == retry.max_retries
            req = self._http.build_request(method, url, params=clean, json=json, files=files, data=data,
                                           headers=self.conn.headers(),
                                           timeout=httpx.Timeout(timeout) if timeout else httpx.USE_CLIENT_DEFAULT)
            try:
                response = self._http.send(req, stream=stream)
            except httpx.TransportError as exc:
                if last or not should_retry_error(method, exc, idempotent=idempotent):
                    raise _transport_error(exc) from exc
                time.sleep(retry.delay(attempt, None) or 0)
                continue
            if response.status_code < 400:
                return response
            wait = retry.delay(attempt, response) if should_retry_status(
                method, response.status_code, idempotent=idempotent) else None
            if last or wait is None:
                response.read()
                response.close()
                raise error_for(response)
            response.close()
            time.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def json(self, method: str, path: str, cast: type[T], **kwargs: Any) -> T:
        """The response body validated as ``cast`` (a pydantic model or any type)."""
        response = self.request(method, path, **kwargs)
        return adapter(cast).validate_json(response.content)  # type: ignore[no-any-return]

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> SyncAPIClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncAPIClient:
    """The asyncio twin of ``SyncAPIClient``."""

    def __init__(self, conn: Connection, http_client: httpx.AsyncClient | None = None) -> None:
        self.conn = conn
        self._http = http_client or httpx.AsyncClient(timeout=conn.httpx_timeout(),
                                                      limits=httpx.Limits(max_connections=64))

    async def request(self, method: str, path: str, *, params: Mapping[str, Any] | None = None, json: Any = None,
                      files: Any = None, data: Any = None, stream: bool = False,
                      timeout: float | None = None) -> httpx.Response:
        """Send with retries; an error status raises its exception class."""
        url = self.conn.base_url + path
        retry = self.conn.retry
        clean = {k: v for k, v in (params or {}).items() if v is not None}
        for attempt in range(retry.max_retries + 1):
            last = attempt == retry.max_retries
            req = self._http.build_request(method, url, params=clean, json=json, files=files, data=data,
                                           headers=self.conn.headers(),
                                           timeout=httpx.Timeout(timeout) if timeout else httpx.USE_CLIENT_DEFAULT)
            try:
                response = await self._http.send(req, stream=stream)
            except httpx.TransportError as exc:
                if last or not should_retry_error(method, exc):
                    raise _transport_error(exc) from exc
                await asyncio.sleep(retry.delay(attempt, None) or 0)
                continue
            if response.status_code < 400:
                return response
            wait = retry.delay(attempt, response) if should_retry_status(method, response.status_code) else None
            if last or wait is None:
                await response.aread()
                await response.aclose()
                raise error_for(response)
            await response.aclose()
            await asyncio.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    async def json(self, method: str, path: str, cast: type[T], **kwargs: Any) -> T:
        """The response body validated as ``cast``."""
        response = await self.request(method, path, **kwargs)
        return adapter(cast).validate_json(response.content)  # type: ignore[no-any-return]

    async def close(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()
