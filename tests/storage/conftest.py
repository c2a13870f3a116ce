"""Storage-connection fixtures: the three local cloud stand-ins (once per session) behind one ``Provider``."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from storage_helpers import Provider
from storage_servers import Azurite, FakeGcs, MotoS3, ensure_azurite, workdir

from backend.config import Settings


@pytest.fixture(autouse=True)
def _private_endpoints(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    # The stand-ins listen on 127.0.0.1, which connections refuse unless the server allows it.
    monkeypatch.setattr(settings, "storage_private_endpoints", True)


@pytest.fixture(scope="session")
def servers_dir() -> Iterator[Path]:
    path = workdir()
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def moto_s3(servers_dir: Path) -> Iterator[MotoS3]:
    server = MotoS3(servers_dir)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def fake_gcs(servers_dir: Path) -> Iterator[FakeGcs]:
    server = FakeGcs(servers_dir)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def azurite(servers_dir: Path) -> Iterator[Azurite]:
    launcher = ensure_azurite()
    if launcher is None:
        pytest.skip("npm is not installed: cannot install Azurite (tests/storage/node)")
    server = Azurite(launcher, servers_dir)
    yield server
    server.stop()


def _s3(server: MotoS3) -> Provider:
    admin = server.client()

    def make_bucket() -> str:
        name = f"gw-{uuid.uuid4().hex[:12]}"
        admin.create_bucket(Bucket=name)
        return name

    return Provider(
        kind="s3", endpoint=server.endpoint, secret=server.secret_access_key,
        credentials={"access_key_id": server.access_key_id, "secret_access_key": server.secret_access_key},
        wrong_credentials={"access_key_id": server.access_key_id,
                           "secret_access_key": "GWFAKESECRET-s3-wrong-0123456789"},
        wrong_secret="GWFAKESECRET-s3-wrong-0123456789", make_bucket=make_bucket,
        put=lambda b, k, d: admin.put_object(Bucket=b, Key=k, Body=d),
        get=lambda b, k: admin.get_object(Bucket=b, Key=k)["Body"].read(),
        remove=lambda b, k: admin.delete_object(Bucket=b, Key=k),
        enforce_credentials=server.enforce_credentials)


def _gcs(server: FakeGcs) -> Provider:
    admin = server.client()
    account = server.service_account()
    wrong = server.service_account(registered=False)  # a key Google never issued

    def make_bucket() -> str:
        name = f"gw-{uuid.uuid4().hex[:12]}"
        admin.create_bucket(name)
        return name

    return Provider(
        kind="gcs", endpoint=server.endpoint, secret=account["private_key"].splitlines()[5],
        credentials={"service_account": account}, wrong_credentials={"service_account": wrong},
        wrong_secret=wrong["private_key"].splitlines()[5], make_bucket=make_bucket,
        put=lambda b, k, d: admin.bucket(b).blob(k).upload_from_string(d),
        get=lambda b, k: admin.bucket(b).blob(k).download_as_bytes(),
        remove=lambda b, k: admin.bucket(b).blob(k).delete())


def _azure(server: Azurite) -> Provider:
    admin = server.client()
    wrong_key = "R1dGQUtFV1JPTkdBWlVSRUtFWTAxMjM0NTY3ODk="  # base64 of "GWFAKEWRONGAZUREKEY0123456789"

    def make_bucket() -> str:
        name = f"gw-{uuid.uuid4().hex[:12]}"
        admin.create_container(name)
        return name

    return Provider(
        kind="azure", endpoint=server.endpoint, secret=server.key,
        credentials={"connection_string": server.connection_string()},
        wrong_credentials={"connection_string": server.connection_string(wrong_key)},
        wrong_secret=wrong_key, make_bucket=make_bucket,
        put=lambda b, k, d: admin.get_blob_client(b, k).upload_blob(d, overwrite=True),
        get=lambda b, k: admin.get_blob_client(b, k).download_blob().readall(),
        remove=lambda b, k: admin.get_blob_client(b, k).delete_blob())


@pytest.fixture(scope="session")
def s3_provider(moto_s3: MotoS3) -> Provider:
    return _s3(moto_s3)


@pytest.fixture(scope="session")
def gcs_provider(fake_gcs: FakeGcs) -> Provider:
    return _gcs(fake_gcs)


@pytest.fixture(scope="session")
def azure_provider(azurite: Azurite) -> Provider:
    return _azure(azurite)


@pytest.fixture(params=["s3", "gcs", "azure"])
def provider(request: pytest.FixtureRequest) -> Provider:
    """Each cloud in turn, against its local server."""
    found: Provider = request.getfixturevalue(f"{request.param}_provider")
    return found


@pytest.fixture
def s3(s3_provider: Provider) -> Provider:
    """S3 only (the fastest stand-in) for tests about rules rather than providers."""
    return s3_provider
