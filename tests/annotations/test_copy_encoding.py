"""Values sent through binary COPY: a box's geometry formatted directly must be the JSON json.dumps gives."""

from __future__ import annotations

import json
from typing import Any

import pytest

from backend.annotations.repository import _jsonb_field


@pytest.mark.parametrize("value", [
    {"x": 1.0, "y": 2.5, "w": 1e-05, "h": 1e16},  # exponents both ways
    {"x": 0.1, "y": 123456789.123, "w": 3.0, "h": 2.0},
    {"x": 1, "y": 2.0, "w": 3.0, "h": 4.0},  # an int: the general encoder
    {"x": 1.0, "y": 2.0, "w": 3.0, "h": 4.0, "extra": True},  # not exactly a box
    {"points": [[1.0, 2.0], [3.5, 4.25]]},
    {},
    {"colour": "rot", "note": "ünïcode \"quoted\""},
    None,
])
def test_jsonb_fields_decode_to_the_value(value: Any) -> None:
    field = _jsonb_field(value)
    assert field[:1] == b"\x01"  # jsonb's binary format version
    assert json.loads(field[1:]) == value
