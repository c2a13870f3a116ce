"""``labels.NAME[.SOURCE] OP N``: conditions on the per-file label counts (backend/query/counts.py).

A count that 0 fails (``> 3``, ``>= 1``, ``= 2``) becomes ``files.id IN (files whose count passes)``;
one that 0 passes (``= 0``, ``< 2``) becomes ``files.id NOT IN (files whose count fails)``, so files
with no row at all count as 0 without a join. One label id is one range of the lookup index
(label, source, count); a name used by several schemas sums their rows per file.
"""

from __future__ import annotations

from sqlalchemy import false, func, not_, or_, select, true

from backend.files.models import File
from backend.query.conditions import COMPARE, Cond, expect
from backend.query.fields import SOURCES, Expr, Vocabulary, did_you_mean
from backend.query.models import ALL_SOURCES, FileLabelCount
from backend.query.nodes import Field, Literal
from backend.query.parser import QueryError


def _resolve(field: Field, vocab: Vocabulary) -> tuple[list[int], str]:
    segments = field.segments
    if len(segments) < 2:
        raise QueryError(f"labels needs a label name, e.g. labels.car > 0 (at {field.pos})", field.pos)
    if len(segments) > 3:
        seg = segments[3]
        raise QueryError(f"unexpected {seg.text!r} at {seg.pos}: write labels.NAME or labels.NAME.human|model; "
                         "quote names with dots: labels.\"a.b\"", seg.pos)
    name = segments[1]
    if name.text == "*" and not name.quoted:
        ids = vocab.all_label_ids()
    elif name.text in vocab.labels:
        ids = vocab.labels[name.text]
    else:
        raise QueryError(f"unknown label {name.text!r} at {name.pos}: no label schema of this project has it"
                         f"{did_you_mean(name.text, vocab.labels)}", name.pos)
    source = ALL_SOURCES
    if len(segments) == 3:
        qualifier = segments[2]
        if qualifier.text not in SOURCES:
            raise QueryError(f"unknown source {qualifier.text!r} at {qualifier.pos}: use human or model"
                             f"{did_you_mean(qualifier.text, SOURCES)}", qualifier.pos)
        source = qualifier.text
    return ids, source


def label_condition(field: Field, op: str, values: tuple[Literal, ...], vocab: Vocabulary) -> Cond:
    """Files whose count of live annotations with this label (and source) satisfies ``op``."""
    ids, source = _resolve(field, vocab)
    if op in ("contains", "startswith"):
        raise QueryError(f"{field} is a count; compare it with =, !=, <, <=, >, >= or in ({field.pos})", field.pos)
    for lit in values:
        expect(lit, ["number"], str(field))
    numbers = [lit.value for lit in values]
    if not numbers:  # "in []": nothing passes
        return false()

    def passes(count: Expr) -> Cond:
        if op == "in":
            return or_(*(count == n for n in numbers))
        return COMPARE[op](count, numbers[0])  # type: ignore[no-any-return]

    zero_passes = 0 in numbers if op == "in" else bool(COMPARE[op](0, numbers[0]))
    if not ids:  # labels.* in a project without labels: every file has 0
        return true() if zero_passes else false()
    rows = select(FileLabelCount.file_id).where(FileLabelCount.source == source)
    if len(ids) == 1:
        rows = rows.where(FileLabelCount.label_id == ids[0])
        chosen = rows.where(not_(passes(FileLabelCount.count)) if zero_passes else passes(FileLabelCount.count))
    else:
        total = func.sum(FileLabelCount.count)
        rows = rows.where(FileLabelCount.label_id.in_(ids)).group_by(FileLabelCount.file_id)
        chosen = rows.having(not_(passes(total)) if zero_passes else passes(total))
    return File.id.not_in(chosen) if zero_passes else File.id.in_(chosen)
