"""Helpers for storage tests: sample objects, API shortcuts and secret checks."""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import Engine, text


def image(fmt: str, size: tuple[int, int], color: tuple[int, int, int]) -> bytes:
    """An encoded image made with Pillow."""
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, fmt)
    return out.getvalue()


PNG = image("PNG", (40, 30), (10, 120, 200))
JPEG = image("JPEG", (64, 48), (200, 30, 30))
DEEP_PNG = image("PNG", (8, 16), (1, 2, 3))
GIF = image("GIF", (4, 4), (9, 9, 9))
TEXT = b"Groundwork reads this text straight from the bucket.\n"


def base(project_id: int) -> str:
    return f"/api/v1/projects/{project_id}/storage-connections"


def connect(client: TestClient, project_id: int, body: dict[str, Any]) -> dict[str, Any]:
    """Create a connection; asserts 201."""
    r = client.post(base(project_id), json=body)
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


def run_import(client: TestClient, project_id: int, connection_id: int, **body: Any) -> dict[str, Any]:
    r = client.post(f"{base(project_id)}/{connection_id}/import", json=body)
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def assert_secret_absent(secret: str, *texts: str) -> None:
    """The secret (and its distinctive middle) appears in none of the texts."""
    probes = {secret, secret[len(secret) // 4: len(secret) // 4 + 16]}
    for t in texts:
        for p in probes:
            assert p not in t, f"secret leaked: {t[:300]}"


def stored_credentials(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return [row[0] for row in conn.execute(text("SELECT credentials_encrypted FROM storage_connections"))]


def dump(value: Any) -> str:
    return json.dumps(value)


@dataclass
class Provider:
    """One cloud behind the same test-facing calls: make a bucket, put/get/delete with the SDK, connect."""

    kind: str
    endpoint: str
    secret: str = field(repr=False)  # a credential value that must never be echoed
    credentials: dict[str, Any] = field(repr=False)
    wrong_credentials: dict[str, Any] = field(repr=False)
    wrong_secret: str = field(repr=False)
    make_bucket: Callable[[], str]
    put: Callable[[str, str, bytes], None]
    get: Callable[[str, str], bytes]
    remove: Callable[[str, str], None]
    enforce_credentials: Callable[[], contextlib.AbstractContextManager[None]] = contextlib.nullcontext

    def body(self, bucket: str, **overrides: Any) -> dict[str, Any]:
        """A create body for this provider's local server."""
        base: dict[str, Any] = {"name": f"{self.kind}-{bucket}", "kind": self.kind, "bucket": bucket,
                                "endpoint_url": self.endpoint, "credentials": self.credentials}
        return {**base, **overrides}
