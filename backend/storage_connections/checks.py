"""The test-connection endpoint's checks: list, read, sign (and fetch the signed URL), optionally write."""

from __future__ import annotations

import uuid

import httpx

from backend.config import Settings
from backend.storage_connections.backends.base import RemoteStore, StoreError
from backend.storage_connections.models import StorageConnection
from backend.storage_connections.schemas import Check, TestResult
from backend.storage_connections.service import opened


def run_checks(settings: Settings, conn: StorageConnection, *, write: bool) -> TestResult:
    """Every check against the real bucket, each with a message a person can act on."""
    checks: list[Check] = []
    with opened(settings, conn) as store:
        try:
            store.check(conn.prefix)
            checks.append(Check(name="list", ok=True, message=f"listed {conn.bucket!r} under {conn.prefix!r}"))
        except StoreError as exc:
            checks.append(Check(name="list", ok=False, message=exc.message))
            return TestResult(ok=False, checks=checks)
        sample = _first_key(store, conn.prefix)
        checks.append(_read(store, sample))
        if conn.options.get("signed_urls", True):
            checks.append(_sign(settings, store, sample))
        if write:
            checks.append(_write(store, conn.prefix))
    return TestResult(ok=all(c.ok for c in checks), checks=checks)


def _first_key(store: RemoteStore, prefix: str) -> str | None:
    try:
        objects, _ = store.list_page(prefix, recursive=True, page_size=10, token=None)
    except StoreError:
        return None
    return next((o.key for o in objects if not o.key.endswith("/")), None)


def _read(store: RemoteStore, key: str | None) -> Check:
    if key is None:
        return Check(name="read", ok=True, message="no object under the prefix to read (skipped)")
    try:
        info = store.head(key)
    except StoreError as exc:
        return Check(name="read", ok=False, message=f"{key!r}: {exc.message}")
    return Check(name="read", ok=True, message=f"read the properties of {key!r} ({info.size} bytes)")


def _sign(settings: Settings, store: RemoteStore, key: str | None) -> Check:
    try:
        url = store.signed_url(key or "probe", settings.signed_url_ttl_s)
    except StoreError as exc:
        return Check(name="sign", ok=False, message=exc.message)
    if url is None:
        return Check(name="sign", ok=True, message="these credentials cannot sign URLs: media will be streamed "
                                                   "through the API")
    if key is None:
        return Check(name="sign", ok=True, message="signed a URL (no object to fetch it with)")
    try:  # the URL's host is the checked endpoint (or the provider's), like every SDK call
        with httpx.Client(timeout=settings.storage_timeout_s, trust_env=False) as client:
            status = client.get(url, headers={"Range": "bytes=0-0"}).status_code
    except httpx.HTTPError:
        return Check(name="sign", ok=False, message="signed a URL, but fetching it failed (endpoint unreachable)")
    if status in (200, 206):
        return Check(name="sign", ok=True, message="a signed URL was fetched successfully")
    return Check(name="sign", ok=False, message=f"the bucket answered HTTP {status} to a signed URL (clock skew, "
                                                "wrong region, or a policy that forbids signed access)")


def _write(store: RemoteStore, prefix: str) -> Check:
    key = f"{prefix}.groundwork-probe-{uuid.uuid4().hex}"
    try:
        store.put(key, [b"groundwork write probe"], "text/plain")
        store.delete(key)
    except StoreError as exc:
        return Check(name="write", ok=False, message=exc.message)
    return Check(name="write", ok=True, message="wrote and deleted a probe object")
