"""Cursor pagination: every list answers ``{items, next_cursor}`` and takes ``?cursor=&limit=``."""


import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel

from backend.core.errors import ValidationFailed

T = TypeVar("T")
R = TypeVar("R")


class Page(BaseModel, Generic[T]):
    """One page of a list; pass ``next_cursor`` back as ``cursor`` for the next one."""

    items: list[T]
    next_cursor: str | None = None


@dataclass(frozen=True)
class PageParams:
    """Where a page starts (the last key seen) and how long it is."""

    after: Any
    limit: int


def encode_cursor(key: Any) -> str:
    """An opaque, URL-safe cursor for a sort key."""
    return base64.urlsafe_b64encode(json.dumps(key, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> Any:
    """The sort key behind a cursor; a mangled cursor is a 422 on ``query.cursor``."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        return json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise ValidationFailed("malformed cursor", field="query.cursor") from exc


def page_params_dep(max_limit: int = 500, default_limit: int = 50) -> Callable[..., PageParams]:
    """A dependency reading ``cursor`` and ``limit`` (1..``max_limit``) from the query string."""

    # (no `from __future__ import annotations` in this module: FastAPI must see `max_limit` in the
    # annotations below as a value, not as a name to resolve later)
    def page_params(
        cursor: Annotated[str | None, Query(description="opaque cursor from the previous page")] = None,
        limit: Annotated[int, Query(ge=1, le=max_limit, description="page length")] = default_limit,
    ) -> PageParams:
        return PageParams(after=decode_cursor(cursor) if cursor else None, limit=limit)

    return page_params


PageDep = Annotated[PageParams, Depends(page_params_dep())]


def make_page(rows: Sequence[R], params: PageParams, convert: Callable[[R], T],
                    key: Callable[[R], Any]) -> Page[T]:
    """Turn ``limit + 1`` fetched rows into a page and the cursor after its last item."""
    has_more = len(rows) > params.limit
    shown = rows[: params.limit]
    next_cursor = encode_cursor(key(shown[-1])) if has_more and shown else None
    return Page[T](items=[convert(r) for r in shown], next_cursor=next_cursor)
