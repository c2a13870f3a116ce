"""Create the workflow service's API token once and keep it in a Kubernetes Secret (the chart's service-token Job).

Runs in the API image (it reaches the database); only the standard library and the `groundwork` CLI are used.
If the Secret already holds a token, nothing happens: upgrades keep the token the workers already use.
To rotate: delete the Secret, run `helm upgrade`, then revoke the old token.

Environment: SECRET_NAME, SECRET_KEY_NAME (the key inside the Secret), TOKEN_NAME (the token's label in
Groundwork), SECRET_LABELS (JSON object, optional), POD_NAMESPACE; the in-cluster service account gives the
Kubernetes API address and credentials (KUBERNETES_API_URL and SERVICEACCOUNT_DIR override them).
"""

from __future__ import annotations

import base64
import json
import os
import ssl
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

SA_DIR = Path(os.environ.get("SERVICEACCOUNT_DIR", "/var/run/secrets/kubernetes.io/serviceaccount"))


class KubeClient:
    """The few Secret calls this Job needs, over the in-cluster API."""

    def __init__(self) -> None:
        host, port = os.environ.get("KUBERNETES_SERVICE_HOST"), os.environ.get("KUBERNETES_SERVICE_PORT", "443")
        self.base = os.environ.get("KUBERNETES_API_URL") or f"https://{host}:{port}"
        self.token = (SA_DIR / "token").read_text().strip()
        ca = SA_DIR / "ca.crt"
        self.context = ssl.create_default_context(cafile=str(ca)) if ca.exists() else None
        self.namespace = os.environ.get("POD_NAMESPACE") or (SA_DIR / "namespace").read_text().strip()

    def request(self, method: str, path: str, body: dict[str, Any] | None = None,
                content_type: str = "application/json") -> tuple[int, dict[str, Any]]:
        """One API call; returns (status, decoded JSON body)."""
        data = json.dumps(body).encode() if body is not None else None
        url = f"{self.base}/api/v1/namespaces/{self.namespace}/secrets{path}"
        req = urllib.request.Request(url, data=data, method=method)  # noqa: S310 (the API server's https URL)
        req.add_header("Authorization", f"Bearer {self.token}")
        req.add_header("Accept", "application/json")
        if data is not None:
            req.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(req, timeout=30, context=self.context) as resp:  # noqa: S310
                return resp.status, json.loads(resp.read() or b"{}")
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"{}")


def create_token(name: str) -> str:
    """`groundwork tokens create --service workflow-service`: the token alone is printed on stdout."""
    done = subprocess.run(  # noqa: S603 (fixed arguments)
        ["groundwork", "tokens", "create", "--service", "workflow-service", "--name", name],  # noqa: S607
        check=True, capture_output=True, text=True)
    token = done.stdout.strip()
    if not token or "\n" in token:
        raise SystemExit(f"unexpected output of groundwork tokens create: {done.stdout!r}")
    return token


def main() -> int:
    """Ensure the Secret holds a token; exit non-zero (the Job retries) on any other outcome."""
    name, key = os.environ["SECRET_NAME"], os.environ.get("SECRET_KEY_NAME", "service-token")
    labels = json.loads(os.environ.get("SECRET_LABELS") or "{}")
    kube = KubeClient()
    status, secret = kube.request("GET", f"/{name}")
    if status == 200 and (secret.get("data") or {}).get(key):
        print(f"Secret {name} already holds the service token; nothing to do.")
        return 0
    if status not in (200, 404):
        print(f"cannot read Secret {name}: HTTP {status} {secret.get('message', '')}", file=sys.stderr)
        return 1
    token = create_token(os.environ.get("TOKEN_NAME", "helm"))
    encoded = base64.b64encode(token.encode()).decode()
    if status == 404:
        body = {"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
                "metadata": {"name": name, "labels": labels}, "data": {key: encoded}}
        status, answer = kube.request("POST", "", body)
    else:  # the Secret exists (made by hand?) but lacks the key: add it
        status, answer = kube.request("PATCH", f"/{name}", {"data": {key: encoded}},
                                      content_type="application/merge-patch+json")
    if status not in (200, 201):
        print(f"cannot write Secret {name}: HTTP {status} {answer.get('message', '')}", file=sys.stderr)
        return 1
    print(f"Created the workflow service's token and stored it in Secret {name} (key {key}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
