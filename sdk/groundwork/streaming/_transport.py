"""Fetching batches over the standard library's http.client: one keep-alive connection per thread.

A batch is megabytes: httpx (through h11, in Python) spends ~190 µs of CPU per 100 KB image to
receive it, http.client ~30 µs (measured; docs/sdk.md). Everything else in the SDK uses httpx.
Retries follow the client's policy: connection errors and 408/429/5xx, Retry-After honoured.
"""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Mapping
from urllib.parse import urlencode, urlsplit

import httpx

from groundwork import __version__
from groundwork._base_client import Connection
from groundwork._exceptions import APIConnectionError, APITimeoutError, error_for
from groundwork._retry import should_retry_status


class BatchFetcher:
    """``get(path, params)`` -> body bytes, over per-thread persistent connections."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        parts = urlsplit(conn.base_url)
        self._https = parts.scheme == "https"
        self._host = parts.hostname or "localhost"
        self._port = parts.port
        self._prefix = parts.path.rstrip("/")
        self._local = threading.local()
        self._headers = {"user-agent": f"groundwork-sdk/{__version__}", "accept": "application/x-tar",
                         **({"authorization": f"Bearer {conn.token}"} if conn.token else {})}

    def _connection(self) -> http.client.HTTPConnection:
        found: http.client.HTTPConnection | None = getattr(self._local, "conn", None)
        if found is None:
            cls = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
            found = self._local.conn = cls(self._host, self._port, timeout=self.conn.timeout)
        return found

    def _drop(self) -> None:
        found = getattr(self._local, "conn", None)
        if found is not None:
            found.close()
            self._local.conn = None

    def get(self, path: str, params: Mapping[str, str]) -> bytes:
        """The body of a successful GET; error statuses raise their exception class."""
        target = f"{self._prefix}{path}?{urlencode(params)}"
        retry = self.conn.retry
        for attempt in range(retry.max_retries + 1):
            last = attempt == retry.max_retries
            try:
                conn = self._connection()
                conn.request("GET", target, headers=self._headers)
                response = conn.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException) as exc:
                self._drop()
                if last:
                    cls = APITimeoutError if isinstance(exc, TimeoutError) else APIConnectionError
                    raise cls(f"{type(exc).__name__}: {exc}") from exc
                time.sleep(retry.delay(attempt, None) or 0)
                continue
            if response.status < 400:
                return body
            if response.will_close:
                self._drop()
            failed = httpx.Response(response.status, headers=list(response.getheaders()), content=body,
                                    request=httpx.Request("GET", self.conn.base_url + path))
            wait = retry.delay(attempt, failed) if should_retry_status("GET", response.status) else None
            if last or wait is None:
                raise error_for(failed)
            time.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover
