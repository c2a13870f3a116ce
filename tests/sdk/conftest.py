"""A real ``groundwork serve`` subprocess on a free port, on the test database, and SDK clients for it.

The server runs for the whole session (starting it takes seconds); its tables are emptied after each
test like every other test's (``_clean_tables``), because every test here asks for ``engine``.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import groundwork
import httpx
import numpy as np
import pytest
from PIL import Image
from sqlalchemy import Engine

from backend.config import Settings
from tests.conftest import Actor
from tests.netutil import free_port


@contextmanager
def serve(settings: Settings, data_dir: Path, *, background: bool = False) -> Iterator[str]:
    """``groundwork serve`` on the test database with its own data directory; yields the base URL."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GROUNDWORK_")}
    env |= {"GROUNDWORK_ENV": "test", "GROUNDWORK_DATABASE_URL": settings.resolved_database_url,
            "GROUNDWORK_DATA_DIR": str(data_dir), "GROUNDWORK_SECRET_KEY": settings.secret_key,
            "GROUNDWORK_PORT": str(port), "GROUNDWORK_BACKGROUND_WORKERS": str(background).lower(),
            "GROUNDWORK_EMBEDDED_WORKER": "false"}  # no workflow runs here (tests/workflow_service has them)
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen([sys.executable, "-m", "backend.cli.main", "serve", "--no-demo"], env=env,
                                cwd=Path(__file__).resolve().parents[2], stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 60
            while True:
                if proc.poll() is not None:
                    log.seek(0)
                    raise RuntimeError(f"groundwork serve exited:\n{log.read().decode(errors='replace')}")
                try:
                    if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("groundwork serve did not come up in 60 s")
                time.sleep(0.2)
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture(scope="session")
def gw_server(settings: Settings, engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One server for the whole session, background loops off (nothing runs behind the tests' backs)."""
    with serve(settings, tmp_path_factory.mktemp("served")) as base:
        yield base


@pytest.fixture
def sdk(gw_server: str, make_user: Callable[..., Actor]) -> Iterator[groundwork.Client]:
    """A client for a fresh user who owns nothing yet (creating a project makes them its admin)."""
    owner = make_user("owner@example.com")
    with groundwork.Client(gw_server, owner.token, max_retries=1) as client:
        yield client


def jpeg(seed: int, size: tuple[int, int] = (48, 32)) -> bytes:
    """A small, distinct JPEG (noise seeded by ``seed``)."""
    rng = np.random.default_rng(seed)
    img = Image.fromarray(rng.integers(0, 255, (size[1], size[0], 3), dtype=np.uint8))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=90)
    return out.getvalue()


@dataclass
class World:
    """A project with a box schema and ``n`` images, each with ``i % 3 + 1`` car boxes, in dataset "train"."""

    project: groundwork.ProjectHandle
    schema_id: int
    car: int
    person: int
    file_ids: list[int]
    dataset_id: int


def build_world(client: groundwork.Client, n: int, name: str = "Streaming") -> World:
    """Make a ``World`` through the SDK."""
    created = client.projects.create(name)
    project = client.project(created.slug)
    schema = project.schemas.create("objects", [
        {"name": "car", "color": "#ff0000", "annotation_types": ["box", "polygon"]},
        {"name": "person", "color": "#00ff00", "annotation_types": ["box", "keypoints"],
         "keypoint_names": ["head", "foot"]}])
    dataset = project.datasets.create("train")
    uploaded = project.files.upload([(f"img-{i:03d}.jpg", jpeg(i)) for i in range(n)], dataset_id=dataset.id,
                                    batch_size=8, concurrency=2)
    file_ids = [u.file.id for u in uploaded]
    boxes = {fid: [{"type": "box", "label": "car", "geometry": {"x": 1 + k, "y": 2, "w": 10, "h": 5}}
                   for k in range(i % 3 + 1)] for i, fid in enumerate(file_ids)}
    project.annotations.bulk(boxes, schema_id=schema.id)
    return World(project, schema.id, schema.label("car").id, schema.label("person").id, file_ids, dataset.id)


@pytest.fixture
def world(sdk: groundwork.Client) -> World:
    """Twelve images with boxes in dataset "train"."""
    return build_world(sdk, 12)
