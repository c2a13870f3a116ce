"""Query tree to one SQL condition over ``files``, resolved against a project's vocabulary.

Rules every field follows (docs/query.md has the user's version):
- ``a != v`` is exactly ``not (a = v)`` and ``a not in [...]`` is ``not (a in [...])``.
- Every comparison is two-valued: a missing value (no metadata key, no width) makes it false, never
  SQL NULL, so ``not`` always means the complement.
- Fields with many values per file (dataset, task, annotation, attribute) match if ANY value does.
"""

from __future__ import annotations

from sqlalchemy import and_, false, not_, or_, select

from backend.annotations.models import Annotation
from backend.datasets.models import Dataset, DatasetFile
from backend.files.models import File
from backend.query.conditions import Cond, column_condition, expect, string_condition
from backend.query.fields import (
    ANNOTATION_FIELDS,
    FILE_ALIASES,
    FILE_FIELDS,
    NAMESPACE_ALIASES,
    NAMESPACES,
    TASK_FIELDS,
    Column,
    Vocabulary,
    did_you_mean,
)
from backend.query.json_fields import attribute_condition, meta_condition
from backend.query.labels import label_condition
from backend.query.nodes import And, Field, Literal, Node, Not, Or
from backend.query.parser import QueryError
from backend.tasks.models import Task


def compile_node(node: Node, vocab: Vocabulary) -> Cond:
    """The SQL condition (over ``File``) for a query tree; raises QueryError naming the position."""
    if isinstance(node, Not):
        return not_(compile_node(node.item, vocab))
    if isinstance(node, And):
        return and_(*(compile_node(i, vocab) for i in node.items))
    if isinstance(node, Or):
        return or_(*(compile_node(i, vocab) for i in node.items))
    negate = node.op in ("!=", "not in")
    op = {"!=": "=", "not in": "in"}.get(node.op, node.op)
    values = node.value if isinstance(node.value, tuple) else (node.value,)
    cond = _positive(node.field, op, values, vocab)
    return not_(cond) if negate else cond


def _positive(field: Field, op: str, values: tuple[Literal, ...], vocab: Vocabulary) -> Cond:
    head = field.segments[0]
    namespace = NAMESPACE_ALIASES.get(head.text, head.text)
    if head.quoted or namespace not in NAMESPACES:
        raise QueryError(f"unknown field {str(field)!r} at {head.pos}{did_you_mean(head.text, NAMESPACES)} "
                         f"(fields start with {', '.join(NAMESPACES)})", head.pos)
    if namespace == "labels":
        return label_condition(field, op, values, vocab)
    if namespace == "meta":
        return meta_condition(field, op, values)
    if namespace == "attribute":
        return attribute_condition(field, op, values, vocab)
    if namespace == "dataset":
        return _dataset(field, op, values, vocab)
    table = {"file": FILE_FIELDS, "task": TASK_FIELDS, "annotation": ANNOTATION_FIELDS}[namespace]
    col = _fixed(field, namespace, table)
    if namespace == "file":
        return column_condition(col, str(field), op, values, guard_null=True)
    if namespace == "task":
        return select(Task.id).where(Task.file_id == File.id, column_condition(col, str(field), op, values)).exists()
    return (select(Annotation.id).where(Annotation.file_id == File.id, Annotation.deleted.is_(False),
                                        column_condition(col, str(field), op, values)).exists())


def _fixed(field: Field, namespace: str, table: dict[str, Column]) -> Column:
    if len(field.segments) != 2:
        at = field.segments[-1].pos if len(field.segments) > 2 else field.pos
        raise QueryError(f"{namespace} takes one field name, e.g. {namespace}.{next(iter(table))} "
                         f"(at {at}); fields: {', '.join(table)}", at)
    seg = field.segments[1]
    name = FILE_ALIASES.get(seg.text, seg.text) if namespace == "file" else seg.text
    if name not in table:
        raise QueryError(f"unknown field {namespace}.{seg.text} at {seg.pos}{did_you_mean(seg.text, table)} "
                         f"({namespace} fields: {', '.join(table)})", seg.pos)
    return table[name]


def _dataset(field: Field, op: str, values: tuple[Literal, ...], vocab: Vocabulary) -> Cond:
    if len(field.segments) != 1:
        seg = field.segments[1]
        raise QueryError(f"dataset takes no field ({seg.pos}); write dataset = 'name'", seg.pos)
    for lit in values:
        expect(lit, ["string"], "dataset")
    if op in ("=", "in"):
        ids = []
        for lit in values:
            found = vocab.datasets.get(str(lit.value))
            if found is not None:
                ids.append(found)
            elif vocab.reveal_datasets:
                raise QueryError(f"no dataset named {lit.raw} in this project (at {lit.pos})"
                                 f"{did_you_mean(str(lit.value), vocab.datasets)}", lit.pos)
        if not ids:
            return false()
        return select(DatasetFile.file_id).where(DatasetFile.file_id == File.id,
                                                 DatasetFile.dataset_id.in_(ids)).exists()
    if op not in ("contains", "startswith"):
        raise QueryError(f"dataset takes =, !=, in, not in, contains or startswith, not {op} ({values[0].pos})",
                         values[0].pos)
    return (select(DatasetFile.file_id).join(Dataset, Dataset.id == DatasetFile.dataset_id)
            .where(DatasetFile.file_id == File.id, string_condition(Dataset.name, op, str(values[0].value)))
            .exists())

