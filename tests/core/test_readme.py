"""The README's configuration table names every setting, so users can find each one."""

from pathlib import Path

from backend.config import Settings
from workflow_service.settings import WorkerSettings

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_setting_is_documented() -> None:
    text = README.read_text()
    names = {*Settings.model_fields, *WorkerSettings.model_fields}
    missing = [f"GROUNDWORK_{name.upper()}" for name in sorted(names) if f"`GROUNDWORK_{name.upper()}`" not in text]
    assert missing == [], f"add these to the README's configuration table: {missing}"
