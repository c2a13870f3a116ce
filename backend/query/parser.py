"""Text to query tree: the lark parser, literal decoding, and errors that point at a line and column."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from backend.query.grammar import GRAMMAR
from backend.query.nodes import And, Compare, Field, Literal, Node, Not, Op, Or, Pos, Segment

MAX_QUERY_CHARS = 10_000
MAX_DEPTH = 64  # nesting of and/or/not; keeps compilation and the SQL it makes well inside limits

# Terminal names as a person would say them, in the order an error message lists them.
FRIENDLY = {
    "NAME": "a field name", "STAR": "'*'", "DOT": "'.'", "COMP_OP": "an operator (=, !=, <, <=, >, >=)",
    "_IN": "'in'", "_NOT": "'not'", "CONTAINS": "'contains'", "STARTSWITH": "'startswith'",
    "STRING": "a string", "NUMBER": "a number", "DATE": "a date", "TRUE": "true", "FALSE": "false",
    "NULL": "null", "LSQB": "'['", "RSQB": "']'", "COMMA": "','", "LPAR": "'('", "RPAR": "')'", "_AND": "'and'",
    "_OR": "'or'", "$END": "the end of the query",
}
_RANK = {name: i for i, name in enumerate(FRIENDLY)}


@dataclass
class QueryError(Exception):
    """A query that cannot be parsed or compiled; ``pos`` is where, ``expected`` what would fit there."""

    message: str
    pos: Pos
    expected: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.message} (at {self.pos})"


@lru_cache(maxsize=1)
def lark_parser() -> Lark:
    """The (cached) LALR parser; tree nodes keep their source positions."""
    return Lark(GRAMMAR, parser="lalr", lexer="contextual", propagate_positions=True, maybe_placeholders=True)


def expected_names(terminals: set[str] | frozenset[str]) -> list[str]:
    """Terminal names → friendly names, deduplicated, in a stable order."""
    known = sorted((t for t in terminals if t in FRIENDLY), key=lambda t: _RANK[t])
    return list(dict.fromkeys(FRIENDLY[t] for t in known))


def end_pos(text: str) -> Pos:
    """The position just after the last character."""
    lines = text.split("\n")
    return Pos(len(lines), len(lines[-1]) + 1)


def _syntax_error(text: str, exc: UnexpectedInput) -> QueryError:
    if isinstance(exc, UnexpectedCharacters):
        char = text[exc.pos_in_stream or 0]
        what = "an unterminated string" if char in "'\"" else f"unexpected character {char!r}"
        expected = expected_names(exc.allowed or set())
        pos = Pos(exc.line, exc.column)
    elif isinstance(exc, UnexpectedToken):
        expected = expected_names(exc.accepts or exc.expected)
        if exc.token.type == "$END":
            what, pos = "unexpected end of query", end_pos(text)
        else:
            what, pos = f"unexpected {exc.token.value!r}", Pos(exc.token.line or 1, exc.token.column or 1)
    else:
        assert isinstance(exc, UnexpectedEOF)
        what, pos, expected = "unexpected end of query", end_pos(text), expected_names(set(exc.expected))
    suffix = f"; expected {_or_list(expected)}" if expected else ""
    return QueryError(f"syntax error at {pos}: {what}{suffix}", pos, expected)


def _or_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def parse(text: str) -> Node | None:
    """The tree of a query, or None for an empty one; raises QueryError."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is longer than {MAX_QUERY_CHARS} characters", Pos(1, MAX_QUERY_CHARS + 1))
    if not text.strip():
        return None
    try:
        tree = lark_parser().parse(text)
    except UnexpectedInput as exc:
        raise _syntax_error(text, exc) from None
    _check_depth(tree)
    return _node(tree)


def _pos(item: Tree[Token] | Token) -> Pos:
    if isinstance(item, Token):
        return Pos(item.line or 1, item.column or 1)
    return Pos(item.meta.line, item.meta.column)


def _check_depth(tree: Tree[Token]) -> None:
    stack: list[tuple[Tree[Token], int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if node.data in ("and_expr", "or_expr", "negation"):
            if depth > MAX_DEPTH:
                raise QueryError(f"the query nests and/or/not more than {MAX_DEPTH} levels deep (at {_pos(node)})",
                                 _pos(node))
            stack.extend((c, depth + 1) for c in node.children if isinstance(c, Tree))


def _node(tree: Tree[Token]) -> Node:
    kind = tree.data
    pos = _pos(tree)
    if kind == "negation":
        return Not(_node(_tree(tree.children[0])), pos)
    if kind in ("and_expr", "or_expr"):
        items = tuple(_node(_tree(c)) for c in tree.children)
        return And(items, pos) if kind == "and_expr" else Or(items, pos)
    fld = _field(_tree(tree.children[0]))
    if kind == "compare":
        op_token, value = tree.children[1], tree.children[2]
        assert isinstance(op_token, Token)
        assert isinstance(value, Token)
        op = "=" if op_token.value == "==" else op_token.value
        return Compare(fld, _op(op), _literal(value), _pos(op_token))
    if kind in ("in_list", "not_in_list"):
        listed = _tree(tree.children[-1]).children
        values = tuple(_literal(v) for v in listed if isinstance(v, Token))
        return Compare(fld, "in" if kind == "in_list" else "not in", values, pos)
    op_token, value = tree.children[1], tree.children[2]
    assert isinstance(op_token, Token)
    assert isinstance(value, Token)
    return Compare(fld, _op(kind), _literal(value), _pos(op_token))


def _op(text: str) -> Op:
    ops: dict[str, Op] = {"=": "=", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">=",
                          "contains": "contains", "startswith": "startswith"}
    return ops[text]


def _tree(item: object) -> Tree[Token]:
    assert isinstance(item, Tree)
    return item


def _field(tree: Tree[Token]) -> Field:
    segments = []
    for token in tree.children:
        assert isinstance(token, Token)
        if token.type == "STRING":
            segments.append(Segment(unquote(token.value), _pos(token), quoted=True))
        else:
            segments.append(Segment(token.value, _pos(token)))
    return Field(tuple(segments))


def unquote(raw: str) -> str:
    """The text of a quoted string: a backslash takes the next character literally (\\n, \\t excepted)."""
    out, body, i = [], raw[1:-1], 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            i += 1
            ch = {"n": "\n", "t": "\t"}.get(body[i], body[i])
        out.append(ch)
        i += 1
    return "".join(out)


def _literal(token: Token) -> Literal:
    pos, raw = _pos(token), token.value
    if token.type == "STRING":
        return Literal(unquote(raw), "string", pos, raw)
    if token.type == "NUMBER":
        number = float(raw) if any(c in raw for c in ".eE") else int(raw)
        return Literal(number, "number", pos, raw)
    if token.type == "DATE":
        return Literal(parse_date(raw, pos), "date", pos, raw)
    if token.type in ("TRUE", "FALSE"):
        return Literal(token.type == "TRUE", "boolean", pos, raw.lower())
    return Literal(None, "null", pos, "null")


def parse_date(raw: str, pos: Pos) -> date | datetime:
    """A date (``2026-01-01``) or an aware datetime (no zone means UTC); QueryError if invalid."""
    try:
        if len(raw) == 10:
            return date.fromisoformat(raw)
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise QueryError(f"{raw!r} at {pos} is not a valid date or time (use ISO 8601, e.g. "
                         "2026-01-31 or 2026-01-31T12:00:00Z)", pos) from None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
