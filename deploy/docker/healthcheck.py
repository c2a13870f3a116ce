"""The API image's HEALTHCHECK: exit 0 when ``GET /api/v1/health`` answers ``{"status": "ok"}``.

Standard library only (the slim image has no curl or wget). The port comes from ``GROUNDWORK_PORT``
like the server's, so a container started with another port stays checkable.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.request


def check(url: str, timeout: float = 4.0) -> str | None:
    """Return None when the server at ``url`` is healthy, otherwise why it is not."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (a fixed http URL)
            body = json.load(response)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return f"{url}: {exc}"
    if not isinstance(body, dict) or body.get("status") != "ok":
        return f"{url}: unexpected answer {body!r}"
    return None


def main() -> int:
    """Check the local server once; print why when it is unhealthy."""
    port = os.environ.get("GROUNDWORK_PORT", "8000")
    url = f"http://127.0.0.1:{port}/api/v1/health"
    problem = check(url)
    if problem:
        print(f"unhealthy: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
