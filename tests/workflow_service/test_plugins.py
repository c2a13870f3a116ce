"""Block plugins: found through entry points, each loaded on its own; scaffolds whose test passes."""

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from backend.cli.main import app
from workflow_service.blocks.registry import load_registry
from workflow_service.scaffold import scaffold

GOOD = '''
from typing import Any
from workflow_service.blocks.base import Block, NoConfig, StepContext

class Shout(Block[NoConfig]):
    slug = "shout"
    title = "Shout"
    def run(self, ctx: StepContext, *args: Any) -> Any:
        return str(args[0]).upper()
'''


def install_fake_plugins(root: Path) -> None:
    """Two distributions on sys.path (dist-info with entry points): one good, one that fails to import."""
    (root / "good_plugin.py").write_text(GOOD)
    (root / "broken_plugin.py").write_text("raise ImportError('needs a GPU library that is not installed')\n")
    for dist, entry in (("good-plugin", "shout = good_plugin:Shout"), ("broken-plugin", "ouch = broken_plugin:Ouch")):
        info = root / f"{dist.replace('-', '_')}-1.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n")
        (info / "entry_points.txt").write_text(f"[groundwork.blocks]\n{entry}\n")


@pytest.fixture
def plugins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    install_fake_plugins(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


@pytest.mark.usefixtures("plugins")
def test_a_broken_plugin_is_reported_and_the_others_load() -> None:
    registry = load_registry()
    assert registry.get("shout").title == "Shout"
    assert registry.origin["shout"] == "good-plugin"
    entries = {e["slug"]: e for e in registry.entries()}
    assert entries["ouch"]["plugin"] == "broken-plugin"
    assert "needs a GPU library" in entries["ouch"]["error"]
    assert entries["human_task"]["error"] is None and "ouch" not in registry.catalogue()


@pytest.mark.usefixtures("plugins")
def test_blocks_list_shows_plugins_and_failures() -> None:
    result = CliRunner().invoke(app, ["blocks", "list"])
    assert result.exit_code == 0, result.output
    assert "shout" in result.output and "from good-plugin" in result.output
    assert "BROKEN (broken-plugin)" in result.output


def test_blocks_new_scaffolds_a_package_whose_test_passes(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["blocks", "new", "Sentiment-Score", "--dest", str(tmp_path)])
    assert result.exit_code == 0, result.output
    root = tmp_path / "groundwork-block-sentiment-score"
    assert 'sentiment_score = "groundwork_block_sentiment_score.block:SentimentScore"' in (
        root / "pyproject.toml").read_text()
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=root,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "3 passed" in run.stdout
    with pytest.raises(FileExistsError):
        scaffold("sentiment-score", tmp_path)
    assert CliRunner().invoke(app, ["blocks", "new", "9lives", "--dest", str(tmp_path)]).exit_code == 2
