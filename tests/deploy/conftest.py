"""Deployment tests: render the Helm chart with the real Helm engine (helm-python-sdk), validate manifests
with kubernetes-validate, and run the bundled docker-compose and hadolint binaries of the environment."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import helm_python as helm
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "helm" / "groundwork"
DOCKER_DIR = ROOT / "deploy" / "docker"

Manifest = dict[str, Any]
Render = Callable[..., list[Manifest]]


def tool(name: str) -> str:
    """A command-line tool a dev dependency installs next to this interpreter (or on PATH)."""
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        raise RuntimeError(f"{name} not found: `make install` installs it (a dev dependency)")
    return found


def values_file(name: str) -> dict[str, Any]:
    """One of the chart's example values files under ci/."""
    data: dict[str, Any] = yaml.safe_load((CHART / "ci" / name).read_text())
    return data


@pytest.fixture(scope="session")
def chart() -> Iterator[helm.Chart]:
    with helm.Chart.load(CHART) as loaded:
        yield loaded


@pytest.fixture(scope="session")
def render_files(chart: helm.Chart) -> Callable[..., dict[str, str]]:
    """Render to {template path: text}; ``install=False`` renders an upgrade."""

    def _render(values: dict[str, Any] | None = None, *, install: bool = True,
                name: str = "gw", namespace: str = "team") -> dict[str, str]:
        return chart.render(values or {}, name=name, namespace=namespace,
                            is_install=install, is_upgrade=not install)

    return _render


@pytest.fixture(scope="session")
def render(render_files: Callable[..., dict[str, str]]) -> Render:
    """Render to the list of Kubernetes objects (NOTES.txt left out)."""

    def _render(values: dict[str, Any] | None = None, **options: Any) -> list[Manifest]:
        files = render_files(values, **options)
        return [doc for path, text in sorted(files.items()) if not path.endswith("NOTES.txt")
                for doc in yaml.safe_load_all(text) if doc]

    return _render


def find(manifests: list[Manifest], kind: str, name: str) -> Manifest:
    """The one object of this kind and name."""
    matches = [m for m in manifests if m["kind"] == kind and m["metadata"]["name"] == name]
    assert len(matches) == 1, f"{kind}/{name}: {len(matches)} found in {[m['metadata']['name'] for m in manifests]}"
    return matches[0]


@pytest.fixture
def find_one() -> Callable[[list[Manifest], str, str], Manifest]:
    return find
