"""compile_query as other domains use it: one condition over files, the SQL it makes, statement caching."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite

from backend.core.db import make_session_factory, transaction
from backend.core.errors import ValidationFailed
from backend.files.models import File
from backend.query.service import compile_query, files_select
from tests.query.world import World


def _run(app: FastAPI, fn: Any) -> Any:
    with transaction(make_session_factory(app.state.engine)) as s:
        return fn(s)


def _sql(app: FastAPI, world: World, q: str, dialect: Any) -> str:
    cond = _run(app, lambda s: compile_query(s, world.project_id, q))
    return str(select(File.id).where(cond).compile(dialect=dialect))


@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.dialect()], ids=["sqlite", "postgresql"])
def test_label_counts_compile_to_index_ranges(world: World, app: FastAPI, dialect: Any) -> None:
    sql = _sql(app, world, "labels.pedestrian > 3", dialect)
    assert "files.id IN (SELECT file_label_counts.file_id" in sql
    assert "GROUP BY" not in sql and "annotations" not in sql  # one label id: a range of the lookup index
    zero = _sql(app, world, "labels.pedestrian < 1", dialect)
    assert "files.id NOT IN (SELECT file_label_counts.file_id" in zero  # files without a row count as 0
    shared = _sql(app, world, "labels.car > 3", dialect)  # 'car' is in two schemas: summed per file
    assert "GROUP BY file_label_counts.file_id" in shared and "HAVING sum(file_label_counts.count)" in shared


def test_compile_query_composes_with_other_sql(world: World, app: FastAPI) -> None:
    def names(s: Any, q: str) -> list[str]:
        stmt = files_select(s, world.project_id, q).order_by(File.name)
        return [f.name for f in s.scalars(stmt)]

    assert _run(app, lambda s: names(s, "labels.car > 3")) == ["img-001.jpg", "img-003.png"]
    assert _run(app, lambda s: names(s, "")) == sorted(f.name for f in world.live())
    cond = _run(app, lambda s: compile_query(s, world.project_id, "meta.camera = 'front'"))
    count = _run(app, lambda s: s.scalar(select(func.count()).select_from(File).where(
        File.project_id == world.project_id, File.deleted_at.is_(None), cond)))
    assert count == 4
    with pytest.raises(ValidationFailed) as caught:
        _run(app, lambda s: compile_query(s, world.project_id, "labels.car >", field="body.filter"))
    assert caught.value.fields[0].field == "body.filter" and caught.value.detail == {
        "line": 1, "column": 13, "expected": ["a string", "a number", "a date", "true", "false", "null"]}


def test_cached_statements_take_each_querys_own_values(world: World, app: FastAPI) -> None:
    # the JSON expressions are cacheable; their values must still be bound per statement
    def count(q: str) -> int:
        return int(_run(app, lambda s: s.scalar(select(func.count()).select_from(
            files_select(s, world.project_id, q).subquery()))))

    assert [count(f"meta.camera = '{c}'") for c in ("front", "rear", "side", "nope")] == [4, 1, 1, 0]
    assert [count(f"meta.tags contains '{t}'") for t in ("night", "urban", "shift")] == [2, 1, 1]
    assert [count(f"attribute.tags = '{t}'") for t in ("night", "highway")] == [1, 0]
    assert [count(f"meta.gps.{k} != null") for k in ("city", "lat")] == [3, 2]
