"""``meta.KEY`` (the file's metadata JSON) and ``attribute.GROUP`` (attribute values of live annotations).

The literal decides how the JSON value is read: a string compares with JSON strings, a number with
JSON numbers, true/false with JSON booleans; a value of another JSON type never matches. ``contains``
also matches arrays holding the value (``meta.tags contains 'night'``); a multi-select attribute
``= 'x'`` means its list includes ``x``.
"""

from __future__ import annotations

from sqlalchemy import and_, or_, select

from backend.annotations.models import Annotation
from backend.files.models import File
from backend.label_schemas.models import AttributeKind
from backend.query.conditions import COMPARE, Cond, each, expect, string_condition
from backend.query.fields import Expr, Vocabulary, did_you_mean
from backend.query.jsonsql import JsonBoolean, JsonIsNull, JsonNumber, JsonString, StrContains, json_array_has
from backend.query.nodes import Field, Literal
from backend.query.parser import QueryError

_TEXTUAL = {AttributeKind.select, AttributeKind.multi_select, AttributeKind.text}


def _guard(expr: Expr, cond: Cond) -> Cond:
    return and_(expr.is_not(None), cond)


def meta_condition(field: Field, op: str, values: tuple[Literal, ...]) -> Cond:
    """Files whose metadata value at the path satisfies ``op`` (missing keys never match)."""
    if len(field.segments) < 2:
        raise QueryError(f"meta needs a key, e.g. meta.camera = 'front' (at {field.pos})", field.pos)
    for seg in field.segments[1:]:
        if '"' in seg.text or "\\" in seg.text:
            raise QueryError(f"metadata keys with quotes or backslashes cannot be queried ({seg.pos})", seg.pos)
    keys = [s.text for s in field.segments[1:]]
    doc = File.meta

    def one(op: str, lit: Literal) -> Cond:
        if lit.kind == "null":
            if op != "=":
                raise QueryError(f"null only compares with = or != ({lit.pos})", lit.pos)
            return JsonIsNull(doc, keys)
        if op == "contains":
            probe = lit.raw if lit.kind == "date" else lit.value
            assert isinstance(probe, str | int | float | bool)
            has = json_array_has(doc, keys, probe)
            if lit.kind in ("string", "date"):
                text = JsonString(doc, keys)
                return or_(_guard(text, StrContains(text, _text(lit))), has)
            return has
        if lit.kind in ("string", "date"):
            text = JsonString(doc, keys)
            return _guard(text, string_condition(text, op, _text(lit)))
        if op == "startswith":
            raise QueryError(f"startswith compares text; {lit.raw} is not a string ({lit.pos})", lit.pos)
        if lit.kind == "number":
            number = JsonNumber(doc, keys)
            return _guard(number, COMPARE[op](number, lit.value))
        if op != "=":
            raise QueryError(f"true and false only compare with = or != ({lit.pos})", lit.pos)
        flag = JsonBoolean(doc, keys)
        return _guard(flag, flag == lit.value)

    return each(op, values, one)


def _text(lit: Literal) -> str:
    # A date written bare in a metadata comparison compares as the text it was written as.
    return lit.raw if lit.kind == "date" else str(lit.value)


def attribute_condition(field: Field, op: str, values: tuple[Literal, ...], vocab: Vocabulary) -> Cond:
    """Files with a live annotation whose attribute ``GROUP`` satisfies ``op``."""
    if len(field.segments) != 2:
        at = field.segments[2].pos if len(field.segments) > 2 else field.pos
        raise QueryError(f"write attribute.GROUP, e.g. attribute.weather = 'sunny' (at {at})", at)
    seg = field.segments[1]
    infos = vocab.attributes.get(seg.text)
    if not infos:
        raise QueryError(f"unknown attribute {seg.text!r} at {seg.pos}: no label schema of this project has it"
                         f"{did_you_mean(seg.text, vocab.attributes)}", seg.pos)
    kinds = {i.kind for i in infos}
    accepted = (["string"] if kinds & _TEXTUAL else []) + (["number"] if AttributeKind.number in kinds else []) \
        + (["boolean"] if AttributeKind.boolean in kinds else [])
    options = sorted({o for i in infos for o in i.options})
    doc, keys, name = Annotation.attributes, [seg.text], f"attribute.{seg.text}"

    def one(op: str, lit: Literal) -> Cond:
        expect(lit, accepted, name)
        if lit.kind == "number":
            if op in ("contains", "startswith"):
                raise QueryError(f"{op} works on text, not numbers ({lit.pos})", lit.pos)
            return COMPARE[op](JsonNumber(doc, keys), lit.value)  # type: ignore[no-any-return]
        if lit.kind == "boolean":
            if op != "=":
                raise QueryError(f"true and false only compare with = or != ({lit.pos})", lit.pos)
            return JsonBoolean(doc, keys) == lit.value
        value = str(lit.value)
        if op == "=" and AttributeKind.text not in kinds and value not in options:
            raise QueryError(f"{lit.raw} at {lit.pos} is not an option of {name} ({', '.join(options)})"
                             f"{did_you_mean(value, options)}", lit.pos)
        parts: list[Cond] = []
        if kinds & {AttributeKind.select, AttributeKind.text}:
            parts.append(string_condition(JsonString(doc, keys), op, value))
        if AttributeKind.multi_select in kinds and op in ("=", "contains"):
            parts.append(json_array_has(doc, keys, value))
        if not parts:
            raise QueryError(f"{name} is a multi-select: use =, !=, in, not in or contains ({lit.pos})", lit.pos)
        return or_(*parts)

    cond = each(op, values, one)
    return (select(Annotation.id).where(Annotation.file_id == File.id, Annotation.deleted.is_(False), cond)
            .exists())

