"""HTTP: count files by query, validate a query, and autocomplete one.

Listing files by query is ``GET /projects/{id}/files?q=`` (backend/files/router.py). This router
is mounted before the files router so that ``/files/count`` is not taken for a file id.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from backend.core.deps import SessionDep
from backend.projects.deps import AnyMember
from backend.query import service
from backend.query.parser import MAX_QUERY_CHARS
from backend.query.schemas import FileCount, QueryValidate, QueryValidated, Suggestions

router = APIRouter(tags=["query"])
_Q = Annotated[str | None, Query(max_length=MAX_QUERY_CHARS, description="a query (docs/query.md)")]


@router.get("/projects/{project_id}/files/count", response_model=FileCount,
            summary="How many files match a query (annotators: among their own files)")
def count_files(access: AnyMember, session: SessionDep, q: _Q = None) -> FileCount:
    return FileCount(count=service.count_files(session, access, q))


@router.post("/projects/{project_id}/query/validate", response_model=QueryValidated,
             summary="Check a query: its canonical form, or a 422 naming line and column")
def validate_query(body: QueryValidate, access: AnyMember, session: SessionDep) -> QueryValidated:
    return service.validate(session, access, body.q)


@router.get("/projects/{project_id}/query/suggestions", response_model=Suggestions,
            summary="Completions at the cursor: fields, labels, attributes, metadata keys, operators, values")
def query_suggestions(
    access: AnyMember, session: SessionDep,
    q: Annotated[str, Query(max_length=MAX_QUERY_CHARS, description="the query typed so far")] = "",
    cursor_pos: Annotated[int | None, Query(ge=0, description="cursor offset in q (default: the end)")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Suggestions:
    return service.suggestions(session, access, q, cursor_pos, limit)
