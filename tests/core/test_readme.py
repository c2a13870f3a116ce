"""The README's configuration table names every setting, so users can find each one."""

from pathlib import Path

from backend.config import Settings

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_setting_is_documented() -> None:
    text = README.read_text()
    missing = [f"GROUNDWORK_{name.upper()}" for name in Settings.model_fields
               if f"`GROUNDWORK_{name.upper()}`" not in text]
    assert missing == [], f"add these to the README's configuration table: {missing}"
