"""The parser alone: precedence, keywords that stay names, literals, quoting round trips, positions."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from backend.query.nodes import And, Compare, Not, Or, quote, render
from backend.query.parser import QueryError, parse, unquote
from backend.query.suggest import segment_text, value_text


def test_not_binds_tighter_than_and_than_or() -> None:
    node = parse("not a.x = 1 and b.y = 2 or c.z = 3")
    assert isinstance(node, Or) and isinstance(node.items[0], And)
    assert isinstance(node.items[0].items[0], Not)
    assert render(node) == "not a.x = 1 and b.y = 2 or c.z = 3"
    grouped = parse("a.x = 1 and (b.y = 2 or c.z = 3)")
    assert render(grouped) == "a.x = 1 and (b.y = 2 or c.z = 3)"


def test_keywords_are_case_insensitive_and_still_names_where_a_name_goes() -> None:
    node = parse("labels.in >= 1 AND meta.order = 'x' Or NOT meta.nothing = TRUE")
    assert render(node) == "labels.in >= 1 and meta.order = 'x' or not meta.nothing = true"
    assert render(parse("meta.a  NOT  IN [1,2,]")) == "meta.a not in [1, 2]"


def test_literals() -> None:
    node = parse("m.a in ['x', \"y\", -1.5e2, 3, true, null, 2026-01-31, 2026-01-31T10:00:00+02:00, 2026-01-31T10:00]")
    assert isinstance(node, Compare) and isinstance(node.value, tuple)
    values = [v.value for v in node.value]
    assert values[:6] == ["x", "y", -150.0, 3, True, None]
    assert values[6] == date(2026, 1, 31)
    assert values[7] == datetime(2026, 1, 31, 8, 0, tzinfo=UTC)
    assert values[8] == datetime(2026, 1, 31, 10, 0, tzinfo=UTC)  # no zone: UTC
    assert isinstance(values[3], int) and not isinstance(values[2], int)


@pytest.mark.parametrize("text", ["café", 'a"b', "it's", "back\\slash", "new\nline", "", "and", "2wheel"])
def test_quoting_round_trips(text: str) -> None:
    for mark in ('"', "'"):
        assert unquote(quote(text, mark)) == text
    node = parse(f"meta.{segment_text(text)} = {value_text(text)}")
    assert isinstance(node, Compare) and not isinstance(node.value, tuple)
    assert node.field.segments[1].text == text and node.value.value == text
    assert render(parse(render(node))) == render(node)


def test_positions_count_lines_and_columns_from_one() -> None:
    with pytest.raises(QueryError) as caught:
        parse("labels.car > 1\n  and\n  (meta.x = ]")
    assert (caught.value.pos.line, caught.value.pos.column) == (3, 13)
    assert parse("   ") is None and parse("") is None
