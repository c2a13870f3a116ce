"""Comparison building blocks shared by every field: literal checks, text, numbers, times, columns."""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, or_

from backend.query.fields import Column, Expr, did_you_mean
from backend.query.jsonsql import StrContains
from backend.query.nodes import Literal
from backend.query.parser import QueryError, parse_date

Cond = ColumnElement[bool]
COMPARE: dict[str, Callable[[Any, Any], Any]] = {"=": operator.eq, "<": operator.lt, "<=": operator.le,
                                                 ">": operator.gt, ">=": operator.ge}


def expect(lit: Literal, kinds: Sequence[str], what: str) -> None:
    """QueryError unless the literal was written as one of ``kinds``."""
    if lit.kind not in kinds:
        raise QueryError(f"{what} is compared with {' or '.join(_A[k] for k in kinds)}, "
                         f"not {_A[lit.kind]} ({lit.raw} at {lit.pos})", lit.pos)


_A = {"string": "a string", "number": "a number", "date": "a date", "boolean": "true or false", "null": "null"}


def each(op: str, values: tuple[Literal, ...], one: Callable[[str, Literal], Cond]) -> Cond:
    """``one(op, value)`` for a single value; for ``in``, the ``or`` of ``one("=", v)`` (empty list: false)."""
    if op == "in":
        return or_(*(one("=", v) for v in values)) if values else false()
    return one(op, values[0])


def column_condition(col: Column, name: str, op: str, values: tuple[Literal, ...], *,
                     guard_null: bool = False) -> Cond:
    """A comparison with the fixed field ``name``; ``guard_null`` keeps it two-valued where it may be NULL."""
    expr = col.column

    def one(op: str, lit: Literal) -> Cond:
        if lit.kind == "null":
            if not col.nullable:
                raise QueryError(f"{name} is never empty, so comparing it with null says nothing ({lit.pos})",
                                 lit.pos)
            if op != "=":
                raise QueryError(f"null only compares with = or != ({lit.pos})", lit.pos)
            return expr.is_(None)
        if col.kind == "date":
            return date_condition(expr, op, lit)
        if col.kind == "number":
            expect(lit, ["number"], name)
            if op in ("contains", "startswith"):
                raise QueryError(f"{op} works on text, not numbers ({lit.pos})", lit.pos)
            return COMPARE[op](expr, lit.value)  # type: ignore[no-any-return]
        expect(lit, ["string"], name)
        if col.kind == "enum":
            if op != "=":
                raise QueryError(f"{name} takes =, !=, in or not in (one of {', '.join(col.choices)}); "
                                 f"{op} is not possible ({lit.pos})", lit.pos)
            if lit.value not in col.choices:
                raise QueryError(f"{lit.raw} at {lit.pos} is not one of {', '.join(col.choices)}"
                                 f"{did_you_mean(str(lit.value), col.choices)}", lit.pos)
        return string_condition(expr, op, str(lit.value))

    cond = each(op, values, one)
    return and_(expr.is_not(None), cond) if guard_null and col.nullable and not _has_null(values) else cond


def _has_null(values: tuple[Literal, ...]) -> bool:
    return any(v.kind == "null" for v in values)


def string_condition(expr: Expr, op: str, value: str) -> Cond:
    """``=``/``<``/... , ``contains`` (case-sensitive) or ``startswith`` on a text expression."""
    if op == "contains":
        return StrContains(expr, value)
    if op == "startswith":
        return func.substr(expr, 1, len(value)) == value
    return COMPARE[op](expr, value)  # type: ignore[no-any-return]


def date_condition(expr: Expr, op: str, lit: Literal) -> Cond:
    """A time comparison; a bare date means that whole UTC day (``= 2026-01-05`` is the day)."""
    if lit.kind == "string":
        value: Any = parse_date(str(lit.value), lit.pos)
    else:
        expect(lit, ["date"], "a time")
        value = lit.value
    if op in ("contains", "startswith"):
        raise QueryError(f"{op} works on text, not times ({lit.pos})", lit.pos)
    if isinstance(value, datetime):
        return COMPARE[op](expr, value)  # type: ignore[no-any-return]
    assert isinstance(value, date)
    start = datetime(value.year, value.month, value.day, tzinfo=UTC)
    end = start + timedelta(days=1)
    bounds = {"=": and_(expr >= start, expr < end), "<": expr < start, "<=": expr < end, ">": expr >= end,
              ">=": expr >= start}
    return bounds[op]


