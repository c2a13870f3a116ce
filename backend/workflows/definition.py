"""Check a submitted definition with the workflow language (the SDK) and turn its problems into one 422.

The language itself lives in ``groundwork.workflows``; this module only decides the format, builds the
catalogue the checks run against, checks trigger filters with the query language, and maps problems
(line, column, message, path) to the error envelope.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from groundwork.workflows import BlockSpec, Catalogue, DefinitionError, Port, Problem, parse_and_validate
from groundwork.workflows.source import load
from groundwork.workflows.validate import Validated
from sqlalchemy.orm import Session

from backend.core.errors import FieldError, SourceError, ValidationFailed
from backend.query.service import compile_query
from backend.workflows import repository
from backend.workflows.models import BlockCatalogueEntry, SourceFormat


@dataclass(frozen=True)
class Checked:
    """A definition that passed every check."""

    validated: Validated
    format: SourceFormat
    definition: dict[str, Any]  # the stored, JSON form

    @property
    def name(self) -> str:
        """The workflow's name (from the definition)."""
        return self.validated.definition.name


def detect_format(source: str) -> SourceFormat:
    """JSON when the document starts with ``{``, else YAML."""
    return SourceFormat.json if source.lstrip().startswith("{") else SourceFormat.yaml


def block_spec(entry: BlockCatalogueEntry) -> BlockSpec:
    """The language's view of a catalogue entry."""
    return BlockSpec(slug=entry.slug, config_schema=entry.config_schema or {},
                     inputs=tuple(Port(**p) for p in entry.inputs), outputs=tuple(Port(**p) for p in entry.outputs),
                     queue=entry.queue)


def catalogue(session: Session) -> Catalogue:
    """The usable blocks (those whose plugin loaded), keyed by slug."""
    return {b.slug: block_spec(b) for b in repository.blocks(session, usable_only=True)}


def definition_failed(problems: list[Problem]) -> ValidationFailed:
    """The 422 for an invalid definition: every problem with its line, column and path."""
    first = problems[0]
    message = f"invalid workflow definition: {first}"
    if len(problems) > 1:
        message += f" (and {len(problems) - 1} more)"
    return ValidationFailed(
        message, fields=[FieldError(field="body.source", message=str(p)) for p in problems],
        errors=[SourceError(line=p.line, column=p.column, message=p.message, path=p.path) for p in problems])


def _json_problems(source: str) -> list[Problem]:
    try:
        json.loads(source)
    except json.JSONDecodeError as exc:
        return [Problem(f"invalid JSON: {exc.msg}", exc.lineno, exc.colno)]
    return []


def _filter_problems(session: Session, project_id: int, source: str, validated: Validated) -> list[Problem]:
    """Trigger filters must compile in this project's query language (else every event would be dropped)."""
    problems: list[Problem] = []
    positions = None
    for i, trigger in enumerate(validated.definition.on):
        if not trigger.filter:
            continue
        try:
            compile_query(session, project_id, trigger.filter, field=f"on.{i}.filter")
        except ValidationFailed as exc:
            if positions is None:
                positions = load(source)[1]
            line, column = positions.of(("on", i, "filter"))
            detail = exc.detail or {}
            qline, qcol = int(detail.get("line") or 0), int(detail.get("column") or 0)
            message = f"invalid filter: {exc.message}"
            if qline == 1 and qcol:
                # A one-line filter: point at the offending character (after an opening quote).
                text_line = source.splitlines()[line - 1] if line - 1 < len(source.splitlines()) else ""
                quoted = column - 1 < len(text_line) and text_line[column - 1] in "'\""
                column += qcol - 1 + (1 if quoted else 0)
            problems.append(Problem(message, line, column, f"on.{i}.filter"))
    return problems


def check(session: Session, project_id: int, source: str, fmt: SourceFormat | None) -> Checked:
    """Parse and check a definition against the catalogue and the project; 422 listing every problem."""
    fmt = fmt or detect_format(source)
    problems = _json_problems(source) if fmt is SourceFormat.json else []
    if problems:
        raise definition_failed(problems)
    try:
        validated = parse_and_validate(source, catalogue(session))
    except DefinitionError as exc:
        raise definition_failed(exc.problems) from None
    problems = _filter_problems(session, project_id, source, validated)
    if problems:
        raise definition_failed(problems)
    stored = validated.definition.model_dump(mode="json", by_alias=True, exclude_none=True)
    return Checked(validated=validated, format=fmt, definition=stored)


def has_manual_trigger(definition: dict[str, Any]) -> bool:
    """Whether a stored definition may be started by hand."""
    return any(t.get("manual") is True for t in definition.get("on", []))
