"""The query language as other code uses it.

``compile_query(session, project_id, text)`` is the entry point for every domain (file lists,
export, streaming, workflow triggers): it returns ONE SQLAlchemy condition over ``File`` (the
``files`` table) that renders the same meaning on SQLite and PostgreSQL, e.g.::

    cond = compile_query(session, project_id, "labels.car > 3 and not dataset in ['test']")
    stmt = select(File.id).where(File.project_id == project_id, File.deleted_at.is_(None), cond)

The condition does not scope by project, deleted files or caller visibility; ``files_select``
adds all three. Bad queries raise ``ValidationFailed`` (422) naming ``field`` and the line and
column, with ``detail = {line, column, expected}``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, true
from sqlalchemy.orm import Session

from backend.core.errors import ValidationFailed
from backend.files.service import visible_files_filter
from backend.projects.deps import ProjectAccess
from backend.query import repository
from backend.query.compiler import compile_node
from backend.query.fields import Vocabulary
from backend.query.nodes import render
from backend.query.parser import QueryError, parse
from backend.query.schemas import QueryValidated, SuggestionRead, Suggestions
from backend.query.suggest import MetaSample, suggest

META_SAMPLE_FILES = 200


def as_validation_error(error: QueryError, field: str) -> ValidationFailed:
    """The 422 for a query error, naming the input field and the position."""
    return ValidationFailed(error.message, field=field, detail={
        "line": error.pos.line, "column": error.pos.column, "expected": error.expected})


def _compile(session: Session, project_id: int, text: str, field: str,
             reveal_datasets: bool) -> tuple[ColumnElement[bool], str]:
    try:
        node = parse(text)
        if node is None:
            return true(), ""
        vocab = repository.vocabulary(session, project_id, reveal_datasets=reveal_datasets)
        return compile_node(node, vocab), render(node)
    except QueryError as exc:
        raise as_validation_error(exc, field) from None


def compile_query(session: Session, project_id: int, text: str, *, field: str = "query.q",
                  reveal_datasets: bool = True) -> ColumnElement[bool]:
    """The condition over ``File`` that a query means in this project (an empty query matches all)."""
    return _compile(session, project_id, text, field, reveal_datasets)[0]


def files_select(session: Session, project_id: int, text: str, *,
                 visible: ColumnElement[bool] | None = None, field: str = "query.q") -> Select[Any]:
    """``SELECT`` the project's live files matching a query (and ``visible``); order and page it yourself."""
    cond = compile_query(session, project_id, text, field=field)
    return repository.files_where(project_id, visible if visible is not None else true(), cond)


def file_condition(session: Session, access: ProjectAccess, text: str, field: str) -> ColumnElement[bool]:
    """The condition for a query made by this caller (annotators get no hints about dataset names)."""
    return compile_query(session, access.project.id, text, field=field, reveal_datasets=access.sees_all_files)


def count_files(session: Session, access: ProjectAccess, text: str | None) -> int:
    """How many of the files the caller may see match the query."""
    cond = file_condition(session, access, text or "", "query.q")
    return repository.count_files(session, access.project.id, visible_files_filter(access), cond)


def validate(session: Session, access: ProjectAccess, text: str) -> QueryValidated:
    """The canonical form of a valid query; 422 on ``body.q`` otherwise."""
    _, canonical = _compile(session, access.project.id, text, "body.q", access.sees_all_files)
    return QueryValidated(query=canonical)


def suggestions(session: Session, access: ProjectAccess, text: str, cursor: int | None,
                limit: int) -> Suggestions:
    """Completions at ``cursor`` (default: the end) from the grammar and the project's names."""
    pos = len(text) if cursor is None else cursor
    if pos > len(text):
        raise ValidationFailed(f"cursor_pos {pos} is past the end of q ({len(text)} characters)",
                               field="query.cursor_pos")
    vocab: Vocabulary = repository.vocabulary(session, access.project.id, reveal_datasets=access.sees_all_files)
    sample: list[MetaSample] = []

    def meta() -> MetaSample:
        if not sample:
            docs = repository.recent_metadata(session, access.project.id, visible_files_filter(access),
                                              META_SAMPLE_FILES)
            sample.append(MetaSample.of(docs))
        return sample[0]

    start, items = suggest(text, pos, vocab, meta, limit)
    return Suggestions(replace_start=start, cursor_pos=pos,
                       items=[SuggestionRead(insert=s.insert, kind=s.kind, detail=s.detail) for s in items])
