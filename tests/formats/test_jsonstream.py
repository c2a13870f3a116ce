"""The constant-memory COCO reader yields exactly what ``json.load`` reads, whatever the layout and window."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from backend.imports.formats import jsonstream

DOC: dict[str, Any] = {
    "info": {"year": 2026, "note": "ünïcode, \"quotes\" and [brackets]"},
    "images": [{"id": i, "file_name": f"img {i}.jpg", "width": 640, "height": 480} for i in range(1, 6)],
    "categories": [{"id": 1, "name": "car"}, {"id": 2, "name": "pedestrian"}],
    "annotations": [{"id": i, "image_id": 1 + i % 5, "category_id": 1 + i % 2,
                     "bbox": [i * 1.5, 2, 1e-05, 12345678.25], "score": None if i % 3 else 0.5}
                    for i in range(40)],
    "empty": [],
    "licenses": 125,
}


def _flattened(doc: dict[str, Any]) -> list[tuple[str, int | None, Any]]:
    out: list[tuple[str, int | None, Any]] = []
    for key, value in doc.items():
        if isinstance(value, list) and value:
            out += [(key, i, v) for i, v in enumerate(value)]
        else:
            out.append((key, None, value))
    return out


@pytest.mark.parametrize("layout", [{}, {"indent": 2}, {"separators": (",", ":")}, {"indent": "\t"}])
@pytest.mark.parametrize("window", [7, 64, 1 << 20])  # elements and numbers cut at the window's edge
def test_top_level_matches_json_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layout: dict[str, Any],
                                     window: int) -> None:
    monkeypatch.setattr(jsonstream, "_WINDOW", window)
    path = tmp_path / "coco.json"
    path.write_text(json.dumps(DOC, ensure_ascii=False, **layout), encoding="utf-8")
    assert list(jsonstream.top_level(path)) == _flattened(DOC)


def test_a_missing_separator_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"annotations": [\n  {"id": 1},\n  {"id": 2}\n  {"id": 3}]}')
    with pytest.raises(jsonstream.JsonSyntaxError, match="expected ',' or ']' at line 4, column 3"):
        list(jsonstream.top_level(path))
