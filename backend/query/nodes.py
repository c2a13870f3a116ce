"""The parsed form of a query: a small tree of frozen dataclasses, each carrying its source position."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal as TypingLiteral

Scalar = str | float | int | bool | date | datetime | None
Op = TypingLiteral["=", "!=", "<", "<=", ">", ">=", "in", "not in", "contains", "startswith"]


@dataclass(frozen=True)
class Pos:
    """A 1-based line and column in the query text."""

    line: int
    column: int

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}"


@dataclass(frozen=True)
class Segment:
    """One part of a dotted field path; ``quoted`` if it was written as a string."""

    text: str
    pos: Pos
    quoted: bool = False


@dataclass(frozen=True)
class Field:
    """A dotted path such as ``labels.car.model`` or ``meta."camera id"``."""

    segments: tuple[Segment, ...]

    @property
    def pos(self) -> Pos:
        return self.segments[0].pos

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(s.text for s in self.segments)

    def __str__(self) -> str:
        return ".".join(_render_segment(s) for s in self.segments)


@dataclass(frozen=True)
class Literal:
    """A value written in the query; ``kind`` says how it was written."""

    value: Scalar
    kind: TypingLiteral["string", "number", "date", "boolean", "null"]
    pos: Pos
    raw: str


@dataclass(frozen=True)
class Compare:
    """``field op value``; for ``in`` / ``not in`` the value is a tuple of literals."""

    field: Field
    op: Op
    value: Literal | tuple[Literal, ...]
    pos: Pos


@dataclass(frozen=True)
class Not:
    item: Node
    pos: Pos


@dataclass(frozen=True)
class And:
    items: tuple[Node, ...]
    pos: Pos


@dataclass(frozen=True)
class Or:
    items: tuple[Node, ...]
    pos: Pos


Node = Compare | Not | And | Or


def quote(text: str, mark: str = '"') -> str:
    """A string literal the parser reads back as ``text``."""
    escaped = text.replace("\\", "\\\\").replace(mark, "\\" + mark).replace("\n", "\\n").replace("\t", "\\t")
    return mark + escaped + mark


def _render_segment(s: Segment) -> str:
    return quote(s.text) if s.quoted else s.text


def render(node: Node) -> str:
    """The canonical text of a query (keywords lowercase, minimal parentheses)."""
    if isinstance(node, Compare):
        if isinstance(node.value, tuple):
            return f"{node.field} {node.op} [{', '.join(v.raw for v in node.value)}]"
        return f"{node.field} {node.op} {node.value.raw}"
    if isinstance(node, Not):
        inner = render(node.item)
        return f"not {inner}" if isinstance(node.item, Compare | Not) else f"not ({inner})"
    sep = " and " if isinstance(node, And) else " or "
    return sep.join(f"({render(i)})" if isinstance(node, And) and isinstance(i, Or) else render(i)
                    for i in node.items)
