"""What a query can name: the fixed fields, and the project's vocabulary (labels, attributes, datasets)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import ColumnElement
from sqlalchemy.orm import QueryableAttribute

from backend.annotations.models import Annotation
from backend.files.models import File, FileKind
from backend.label_schemas.models import AnnotationType, AttributeKind
from backend.tasks.models import Task, TaskKind, TaskStatus

ValueKind = Literal["number", "string", "date", "boolean", "enum"]
Expr = ColumnElement[Any] | QueryableAttribute[Any]


@dataclass(frozen=True)
class Column:
    """A fixed field: the column, how its values are written, and (enums) the allowed values."""

    column: Expr
    kind: ValueKind
    doc: str
    nullable: bool = False
    choices: tuple[str, ...] = ()


FILE_FIELDS: dict[str, Column] = {
    "id": Column(File.id, "number", "the file's id"),
    "name": Column(File.name, "string", "the file name"),
    "kind": Column(File.kind, "enum", "image or text", choices=tuple(k.value for k in FileKind)),
    "mime_type": Column(File.mime_type, "string", "e.g. image/png"),
    "created": Column(File.created_at, "date", "when the file was added"),
    "updated": Column(File.updated_at, "date", "when the file last changed"),
    "width": Column(File.width, "number", "image width in pixels", nullable=True),
    "height": Column(File.height, "number", "image height in pixels", nullable=True),
    "size": Column(File.size_bytes, "number", "size in bytes"),
    "text_length": Column(File.text_length, "number", "texts: length in characters", nullable=True),
}
FILE_ALIASES = {"type": "kind", "created_at": "created", "updated_at": "updated", "size_bytes": "size",
                "mime": "mime_type"}

TASK_FIELDS: dict[str, Column] = {
    "status": Column(Task.status, "enum", "any task on the file has this status",
                     choices=tuple(s.value for s in TaskStatus)),
    "kind": Column(Task.kind, "enum", "annotate or review", choices=tuple(k.value for k in TaskKind)),
    "priority": Column(Task.priority, "number", "task priority"),
}

ANNOTATION_FIELDS: dict[str, Column] = {
    "score": Column(Annotation.score, "number", "model confidence, 0 to 1", nullable=True),
    "source": Column(Annotation.source, "enum", "human or model", choices=("human", "model")),
    "model": Column(Annotation.model_name, "string", "the model that made it", nullable=True),
    "model_version": Column(Annotation.model_version, "string", "the model's version", nullable=True),
    "type": Column(Annotation.type, "enum", "box, polygon, ...", choices=tuple(t.value for t in AnnotationType)),
}

NAMESPACES: dict[str, str] = {
    "labels": "labels.NAME[.human|.model] — live annotations of a label on the file (labels.* = all labels)",
    "attribute": "attribute.GROUP — an attribute value on any live annotation (tags hold file-level ones)",
    "file": "file.FIELD — " + ", ".join(FILE_FIELDS),
    "meta": "meta.KEY[.KEY...] — the file's metadata JSON",
    "dataset": "dataset — the name of a dataset the file is in",
    "task": "task.FIELD — any task on the file: " + ", ".join(TASK_FIELDS),
    "annotation": "annotation.FIELD — any live annotation on the file: " + ", ".join(ANNOTATION_FIELDS),
}
NAMESPACE_ALIASES = {"label": "labels", "attributes": "attribute", "metadata": "meta", "datasets": "dataset",
                     "tasks": "task", "annotations": "annotation"}
SOURCES = ("human", "model")


@dataclass(frozen=True)
class AttributeInfo:
    """One attribute group of some schema of the project."""

    kind: AttributeKind
    scope: str
    options: tuple[str, ...]


@dataclass
class Vocabulary:
    """The names a project's queries resolve against, loaded once per compilation."""

    labels: dict[str, list[int]] = field(default_factory=dict)  # name → ids (one per schema using it)
    attributes: dict[str, list[AttributeInfo]] = field(default_factory=dict)
    datasets: dict[str, int] = field(default_factory=dict)
    reveal_datasets: bool = True  # False for annotators, who may not list datasets

    def all_label_ids(self) -> list[int]:
        """Every label id of the project."""
        return sorted(i for ids in self.labels.values() for i in ids)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """``; did you mean 'x'?`` for the closest choice, or an empty string."""
    options = list(choices)
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if not close:
        lowered = {c.lower(): c for c in options}
        close = [lowered[word.lower()]] if word.lower() in lowered else []
    return f"; did you mean {close[0]!r}?" if close else ""
