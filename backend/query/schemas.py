"""Bodies for the query endpoints."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from backend.auth.schemas import StrictInput
from backend.query.parser import MAX_QUERY_CHARS


class QueryValidate(StrictInput):
    # Not stripped: error positions are counted in the text exactly as the user typed it.
    model_config = ConfigDict(str_strip_whitespace=False,
                              json_schema_extra={"examples": [{"q": "labels.car > 3 and labels.pedestrian >= 1"}]})
    q: str = Field(max_length=MAX_QUERY_CHARS, description="the query text (docs/query.md)")


class QueryValidated(BaseModel):
    """A query that parses and compiles for this project."""

    ok: bool = True
    query: str = Field(description="the query written canonically (keywords lower case, minimal parentheses)")


class FileCount(BaseModel):
    count: int


class SuggestionRead(BaseModel):
    insert: str = Field(description="text that replaces the query from replace_start to the cursor")
    kind: str = Field(description="field, label, source, attribute, meta_key, operator, value or keyword")
    detail: str = ""


class Suggestions(BaseModel):
    """Completions at the cursor; the UI replaces ``q[replace_start:cursor_pos]`` with one's ``insert``."""

    replace_start: int
    cursor_pos: int
    items: list[SuggestionRead]
