"""Autocomplete: what may come at the cursor, from the grammar's state and the project's vocabulary.

The text before the cursor is split into a finished part and the word being typed. The finished
part is fed to the LALR parser, whose state says which tokens may follow (a field, an operator, a
value, and/or/close); the tokens already read say which field a value or an operator is for.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from lark import Token
from lark.exceptions import LarkError

from backend.query.fields import ANNOTATION_FIELDS, FILE_FIELDS, NAMESPACES, SOURCES, TASK_FIELDS, Vocabulary
from backend.query.nodes import quote
from backend.query.parser import lark_parser, unquote

_WORD = re.compile(r"(?:'(?:[^'\\]|\\.)*|\"(?:[^\"\\]|\\.)*|[A-Za-z0-9_*-]*)$")
_BARE = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_KEYWORDS = {"and", "or", "not", "in", "contains", "startswith", "true", "false", "null"}
_VALUE_TOKENS = {"STRING", "NUMBER", "DATE", "TRUE", "FALSE", "NULL"}
_OPERATOR_TOKENS = {"COMP_OP", "_IN", "CONTAINS", "STARTSWITH"}


@dataclass(frozen=True)
class Suggestion:
    """One completion: ``insert`` replaces the text from ``replace_start`` to the cursor."""

    insert: str
    kind: str
    detail: str = ""


@dataclass
class MetaSample:
    """Metadata keys and some values seen in recent files, by key path."""

    children: dict[tuple[str, ...], set[str]]
    values: dict[tuple[str, ...], list[Any]]

    @classmethod
    def of(cls, documents: list[dict[str, Any]], max_values: int = 20) -> MetaSample:
        """Collect the key tree (and up to ``max_values`` distinct scalars per key) of some documents."""
        sample = cls({}, {})
        stack: list[tuple[tuple[str, ...], Any]] = [((), d) for d in documents]
        while stack:
            path, value = stack.pop()
            if isinstance(value, dict):
                for key, child in value.items():
                    sample.children.setdefault(path, set()).add(str(key))
                    stack.append(((*path, str(key)), child))
            elif isinstance(value, str | int | float | bool) and path:
                seen = sample.values.setdefault(path, [])
                if value not in seen and len(seen) < max_values:
                    seen.append(value)
        return sample


def segment_text(name: str) -> str:
    """A field segment as it must be written: bare if it can be, else double-quoted."""
    if _BARE.match(name) and name.lower() not in _KEYWORDS:
        return name
    return quote(name)


def value_text(value: Any) -> str:
    """A value as a query literal."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return quote(str(value), "'")


def suggest(text: str, cursor: int, vocab: Vocabulary, meta: Callable[[], MetaSample],
            limit: int) -> tuple[int, list[Suggestion]]:
    """Where the word being typed starts, and the completions for it (best first, at most ``limit``)."""
    before = text[:cursor]
    word = _WORD.search(before)
    partial = word.group(0) if word else ""
    start = cursor - len(partial)
    try:
        interactive = lark_parser().parse_interactive(before[:start])
        tokens = list(interactive.iter_parse())
        accepts: set[str] = interactive.accepts()  # type: ignore[no-untyped-call]
    except LarkError:
        return start, []
    out: list[Suggestion] = []
    if tokens and tokens[-1].type == "DOT":
        out += _segments(_path_before(tokens, len(tokens) - 1), vocab, meta)
    elif "NAME" in accepts:
        out += [Suggestion(n if n == "dataset" else n + ".", "field", d) for n, d in NAMESPACES.items()]
        out += [Suggestion("not ", "keyword", "negate what follows"), Suggestion("(", "keyword", "group")]
    if "COMP_OP" in accepts and tokens:
        out += _operators(_path_before(tokens, len(tokens)))
    if accepts & _VALUE_TOKENS:
        out += _values(tokens, vocab, meta)
    out += [Suggestion(t, "keyword") for t, name in (("and ", "_AND"), ("or ", "_OR"), (")", "RPAR"),
                                                      (", ", "COMMA"), ("]", "RSQB")) if name in accepts]
    return start, _filter(out, partial, limit)


def _path_before(tokens: list[Token], end: int) -> list[str]:
    """The dotted field path whose last token is just before ``tokens[end]``."""
    path: list[str] = []
    i = end - 1
    if i >= 0 and tokens[i].type == "DOT":
        i -= 1
    while i >= 0 and tokens[i].type in ("NAME", "STRING", "STAR"):
        value = tokens[i].value
        path.insert(0, unquote(value) if tokens[i].type == "STRING" else value)
        if i >= 1 and tokens[i - 1].type == "DOT":
            i -= 2
        else:
            break
    return path


def _segments(path: list[str], vocab: Vocabulary, meta: Callable[[], MetaSample]) -> list[Suggestion]:
    head = path[0] if path else ""
    if head in ("labels", "label"):
        if len(path) == 1:
            return [Suggestion(segment_text(n), "label", "label") for n in vocab.labels] + \
                [Suggestion("*", "label", "all labels together")]
        return [Suggestion(s, "source", f"only {s} annotations") for s in SOURCES] if len(path) == 2 else []
    tables = {"file": FILE_FIELDS, "task": TASK_FIELDS, "annotation": ANNOTATION_FIELDS}
    if head in tables and len(path) == 1:
        return [Suggestion(n, "field", c.doc) for n, c in tables[head].items()]
    if head in ("attribute", "attributes") and len(path) == 1:
        return [Suggestion(segment_text(n), "attribute", f"{infos[0].kind.value}, {infos[0].scope}-level")
                for n, infos in vocab.attributes.items()]
    if head in ("meta", "metadata"):
        return [Suggestion(segment_text(k), "meta_key", "metadata key")
                for k in sorted(meta().children.get(tuple(path[1:]), ())) if '"' not in k and "\\" not in k]
    return []


def _operators(path: list[str]) -> list[Suggestion]:
    head = path[0] if path else ""
    ops = ["=", "!=", "<", "<=", ">", ">=", "in [", "not in ["]
    if head not in ("labels", "label", "task", "annotation") or path[-1:] in (["model"], ["model_version"]):
        ops += ["contains ", "startswith "]
    return [Suggestion(o if o.endswith((" ", "[")) else o + " ", "operator") for o in ops]


def _values(tokens: list[Token], vocab: Vocabulary, meta: Callable[[], MetaSample]) -> list[Suggestion]:
    i = len(tokens) - 1
    while i >= 0 and tokens[i].type not in _OPERATOR_TOKENS:
        i -= 1
    if i < 0:
        return []
    end = i - 1 if i >= 1 and tokens[i].type == "_IN" and tokens[i - 1].type == "_NOT" else i
    path = _path_before(tokens, end)
    head, rest = (path[0], path[1:]) if path else ("", [])
    choices: list[Any] = []
    if head in ("dataset", "datasets") and vocab.reveal_datasets:
        choices = list(vocab.datasets)
    elif head in ("attribute", "attributes") and rest:
        infos = vocab.attributes.get(rest[0], [])
        choices = [o for i in infos for o in i.options]
        choices += [True, False] if any(i.kind.value == "boolean" for i in infos) else []
    elif head in ("file", "task", "annotation") and rest:
        table = {"file": FILE_FIELDS, "task": TASK_FIELDS, "annotation": ANNOTATION_FIELDS}[head]
        column = table.get({"type": "kind"}.get(rest[0], rest[0]) if head == "file" else rest[0])
        if column is not None and column.kind == "date":
            return [Suggestion(datetime.now(UTC).date().isoformat(), "value", "a date (UTC day)")]
        choices = list(column.choices) if column is not None else []
    elif head in ("meta", "metadata") and rest:
        choices = meta().values.get(tuple(rest), [])
    return [Suggestion(value_text(c), "value") for c in dict.fromkeys(choices)]


def _filter(items: list[Suggestion], partial: str, limit: int) -> list[Suggestion]:
    word = partial.lstrip("'\"").lower()
    unique = list({s.insert: s for s in items}.values())

    def key(s: Suggestion) -> str:
        return s.insert.lstrip("'\"").lower()

    first = [s for s in unique if key(s).startswith(word)]
    then = [s for s in unique if word and word in key(s) and not key(s).startswith(word)]
    return (first + then)[:limit]
