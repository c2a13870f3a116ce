"""SQL expressions over JSON documents that mean the same on SQLite and PostgreSQL.

Each is a function element whose arguments are bound parameters (so statements stay cacheable),
rendered per dialect. A value is read only where its JSON type matches what it is compared with
(a string key is never cast to a number), object keys are always keys (never array positions),
and the type test guards the cast inside a CASE, whose order of evaluation both databases keep.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Boolean, ColumnElement, Float, String, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

_SQLITE_TYPES = {"string": "('text')", "number": "('integer', 'real')", "boolean": "('true', 'false')",
                 "array": "('array')"}
_PG_TYPES = {"string": "('string')", "number": "('number')", "boolean": "('boolean')", "array": "('array')"}
Expr = ColumnElement[Any] | QueryableAttribute[Any]
_PG_CASTS = {"string": "", "number": "DOUBLE PRECISION", "boolean": "BOOLEAN"}


def sqlite_path(keys: Sequence[str]) -> str:
    """A SQLite JSON path naming object keys (never array positions)."""
    return "$" + "".join(f'."{k}"' for k in keys)


class _JsonFn(FunctionElement[Any]):
    """Arguments: the document, the SQLite path, ``n_extra`` values, then one key per path step."""

    inherit_cache = True
    kind = "string"
    n_extra = 0

    def __init__(self, doc: Expr, keys: Sequence[str], *extra: Any) -> None:
        super().__init__(doc, literal(sqlite_path(keys), String()), *(literal(v) for v in extra),
                         *(literal(k, String()) for k in keys))


class JsonString(_JsonFn):
    """The string at a path, NULL if missing or not a string."""

    inherit_cache = True
    type = String()


class JsonNumber(_JsonFn):
    """The number at a path, NULL if missing or not a number."""

    inherit_cache = True
    type = Float()
    kind = "number"


class JsonBoolean(_JsonFn):
    """The boolean at a path, NULL if missing or not a boolean."""

    inherit_cache = True
    type = Boolean()
    kind = "boolean"


class JsonIsNull(_JsonFn):
    """True if the path is missing or holds JSON null."""

    inherit_cache = True
    type = Boolean()


class JsonArrayHas(_JsonFn):
    """True if the path holds an array with an element equal to the value, of the same JSON type."""

    inherit_cache = True
    type = Boolean()
    n_extra = 2  # the value (SQLite) and the one-element JSON array PostgreSQL tests with @>

    def __init__(self, doc: Expr, keys: Sequence[str], value: str | float | bool) -> None:
        super().__init__(doc, keys, value, json.dumps([value]))


class _StringArrayHas(JsonArrayHas):
    inherit_cache = True


class _NumberArrayHas(JsonArrayHas):
    inherit_cache = True
    kind = "number"


class _BooleanArrayHas(JsonArrayHas):
    inherit_cache = True
    kind = "boolean"


def json_array_has(doc: Expr, keys: Sequence[str], value: str | float | bool) -> JsonArrayHas:
    """True if the path holds an array with an element equal to ``value`` (same JSON type)."""
    if isinstance(value, bool):
        return _BooleanArrayHas(doc, keys, value)
    if isinstance(value, int | float):
        return _NumberArrayHas(doc, keys, value)
    return _StringArrayHas(doc, keys, value)


class StrContains(FunctionElement[bool]):
    """Case-sensitive substring test: ``instr`` on SQLite, ``strpos`` on PostgreSQL."""

    inherit_cache = True
    type = Boolean()


def _args(element: _JsonFn, compiler: SQLCompiler, **kw: Any) -> tuple[str, str, list[str], list[str]]:
    clauses = list(element.clauses)
    done = [compiler.process(c, **kw) for c in clauses]
    return done[0], done[1], done[2:2 + element.n_extra], done[2 + element.n_extra:]


@compiles(JsonString, "sqlite")
@compiles(JsonNumber, "sqlite")
@compiles(JsonBoolean, "sqlite")
def _sqlite_scalar(element: _JsonFn, compiler: SQLCompiler, **kw: Any) -> str:
    doc, path, _, _ = _args(element, compiler, **kw)
    if element.kind == "boolean":
        return f"(CASE json_type({doc}, {path}) WHEN 'true' THEN 1 WHEN 'false' THEN 0 END)"
    return (f"(CASE WHEN json_type({doc}, {path}) IN {_SQLITE_TYPES[element.kind]} "
            f"THEN json_extract({doc}, {path}) END)")


def _pg_chain(doc: str, keys: list[str]) -> str:
    return doc + "".join(f" -> CAST({k} AS TEXT)" for k in keys)


@compiles(JsonString, "postgresql")
@compiles(JsonNumber, "postgresql")
@compiles(JsonBoolean, "postgresql")
def _pg_scalar(element: _JsonFn, compiler: SQLCompiler, **kw: Any) -> str:
    doc, _, _, keys = _args(element, compiler, **kw)
    node = _pg_chain(doc, keys)
    text = f"(({_pg_chain(doc, keys[:-1])}) ->> CAST({keys[-1]} AS TEXT))"
    value = f"CAST({text} AS {_PG_CASTS[element.kind]})" if _PG_CASTS[element.kind] else text
    return f"(CASE WHEN jsonb_typeof({node}) IN {_PG_TYPES[element.kind]} THEN {value} END)"


@compiles(JsonIsNull, "sqlite")
def _sqlite_is_null(element: _JsonFn, compiler: SQLCompiler, **kw: Any) -> str:
    doc, path, _, _ = _args(element, compiler, **kw)
    return f"(COALESCE(json_type({doc}, {path}), 'null') = 'null')"


@compiles(JsonIsNull, "postgresql")
def _pg_is_null(element: _JsonFn, compiler: SQLCompiler, **kw: Any) -> str:
    doc, _, _, keys = _args(element, compiler, **kw)
    return f"(COALESCE(jsonb_typeof({_pg_chain(doc, keys)}), 'null') = 'null')"


@compiles(JsonArrayHas, "sqlite")
def _sqlite_array_has(element: _JsonFn, compiler: SQLCompiler, **kw: Any) -> str:
    doc, path, (value, _), _ = _args(element, compiler, **kw)
    test = "(CASE j.type WHEN 'true' THEN 1 WHEN 'false' THEN 0 END)" if element.kind == "boolean" else "j.value"
    return (f"(COALESCE(json_type({doc}, {path}), '') = 'array' AND EXISTS (SELECT 1 "  # noqa: S608 (binds only)
            f"FROM json_each({doc}, {path}) AS j WHERE j.type IN {_SQLITE_TYPES[element.kind]} AND {test} = {value}))")


@compiles(JsonArrayHas, "postgresql")
def _pg_array_has(element: _JsonFn, compiler: SQLCompiler, **kw: Any) -> str:
    doc, _, (_, probe), keys = _args(element, compiler, **kw)
    node = _pg_chain(doc, keys)
    return f"(COALESCE(jsonb_typeof({node}), '') = 'array' AND ({node}) @> CAST({probe} AS JSONB))"


@compiles(StrContains, "sqlite")
def _sqlite_contains(element: StrContains, compiler: SQLCompiler, **kw: Any) -> str:
    hay, needle = (compiler.process(c, **kw) for c in element.clauses)
    return f"(instr({hay}, {needle}) > 0)"


@compiles(StrContains, "postgresql")
def _pg_contains(element: StrContains, compiler: SQLCompiler, **kw: Any) -> str:
    hay, needle = (compiler.process(c, **kw) for c in element.clauses)
    return f"(strpos({hay}, {needle}) > 0)"
