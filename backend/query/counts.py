"""Keeping ``file_label_counts`` equal to a count of live annotations, in the writer's transaction.

Every annotation write calls ``apply`` with the rows it added and removed (a row is a mapping or an
object with ``file_id``, ``label_id`` and ``source``; unlabelled rows are skipped). The deltas are
summed per (file, label, source) and per (file, label, ``*``) and written with one set-based upsert
(``INSERT ... ON CONFLICT DO UPDATE SET count = count + excluded.count``; on PostgreSQL one statement
over a JSON array), in key order so that concurrent writers on PostgreSQL lock rows in the same order.
``backfill`` recomputes the rows of a project (or of some files) from the annotations themselves.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any, cast

from sqlalchemy import (
    String,
    Table,
    delete,
    func,
    insert,
    literal,
    select,
    text,
    type_coerce,
    union_all,
)
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from backend.annotations.models import Annotation
from backend.files.models import File
from backend.query.models import ALL_SOURCES, FileLabelCount

Key = tuple[int, int, str]
_COUNTS = cast(Table, FileLabelCount.__table__)


def _key(row: Any) -> tuple[int, int | None, str]:
    if type(row) is dict or isinstance(row, Mapping):  # the plain-dict test first: bulk writes pass dicts
        return row["file_id"], row["label_id"], str(row["source"])
    return row.file_id, row.label_id, str(row.source)


def deltas(added: Iterable[Any] = (), removed: Iterable[Any] = ()) -> dict[Key, int]:
    """The change to each count (zero changes left out) for these added and removed annotations."""
    out: dict[Key, int] = {}
    for rows, sign in ((added, 1), (removed, -1)):
        for row in rows:
            file_id, label_id, source = _key(row)
            if label_id is None:
                continue
            for key in ((file_id, label_id, source), (file_id, label_id, ALL_SOURCES)):
                out[key] = out.get(key, 0) + sign
    return {k: v for k, v in out.items() if v}


def apply(session: Session, added: Iterable[Any] = (), removed: Iterable[Any] = ()) -> None:
    """Adjust the counts for annotations added and removed in the current transaction."""
    changes = deltas(added, removed)
    if not changes:
        return
    keys = sorted(changes.items())
    if session.get_bind().dialect.name == "postgresql":
        # One statement for all deltas (a bulk import's thousands cost one round trip, not one execution
        # each), sent as one JSON array: encoded in C, where four typed arrays cost psycopg a Python call
        # per element (9 vs 22 ms of client CPU per 20,000 deltas). Rows are taken in key order so that
        # concurrent writers lock them in the same order.
        session.execute(_PG_UPSERT, {"deltas": json.dumps([(f, lab, s, n) for (f, lab, s), n in keys])})
        return
    stmt = sqlite.insert(_COUNTS)
    stmt = stmt.on_conflict_do_update(index_elements=["file_id", "label_id", "source"],
                                      set_={"count": _COUNTS.c["count"] + stmt.excluded["count"]})
    session.execute(stmt, [{"file_id": f, "label_id": lab, "source": s, "count": n} for (f, lab, s), n in keys])


# Each delta is [file_id, label_id, source, count].
_PG_UPSERT = text(
    "INSERT INTO file_label_counts (file_id, label_id, source, count) "
    "SELECT (d->>0)::bigint, (d->>1)::bigint, d->>2, (d->>3)::integer "
    "FROM jsonb_array_elements(CAST(:deltas AS JSONB)) AS e(d) "
    "ORDER BY (d->>0)::bigint, (d->>1)::bigint, d->>2 "
    "ON CONFLICT (file_id, label_id, source) DO UPDATE SET count = file_label_counts.count + excluded.count")


def _live_counts(project_id: int, file_ids: list[int] | None) -> Any:
    """SELECT file_id, label_id, source, count for live labelled annotations, per source and in total."""
    base = [Annotation.project_id == project_id, Annotation.deleted.is_(False), Annotation.label_id.is_not(None)]
    if file_ids is not None:
        base.append(Annotation.file_id.in_(file_ids))
    source = type_coerce(Annotation.source, String).label("source")  # plain text, as '*' is no enum value
    per_source = (select(Annotation.file_id, Annotation.label_id, source, func.count().label("count"))
                  .where(*base).group_by(Annotation.file_id, Annotation.label_id, Annotation.source))
    total = (select(Annotation.file_id, Annotation.label_id, literal(ALL_SOURCES).label("source"),
                    func.count().label("count"))
             .where(*base).group_by(Annotation.file_id, Annotation.label_id))
    return union_all(per_source, total)


def backfill(session: Session, project_id: int, file_ids: list[int] | None = None) -> None:
    """Recompute the counts of a project (or of some of its files) from live annotations."""
    files = select(File.id).where(File.project_id == project_id)
    if file_ids is not None:
        files = files.where(File.id.in_(file_ids))
    session.execute(delete(_COUNTS).where(_COUNTS.c.file_id.in_(files)))
    session.execute(insert(_COUNTS).from_select(["file_id", "label_id", "source", "count"],
                                                _live_counts(project_id, file_ids)))


def stored(session: Session, project_id: int) -> dict[Key, int]:
    """The non-zero counts kept for a project's files."""
    rows = session.execute(select(FileLabelCount.file_id, FileLabelCount.label_id, FileLabelCount.source,
                                  FileLabelCount.count)
                           .join(File, File.id == FileLabelCount.file_id)
                           .where(File.project_id == project_id, FileLabelCount.count != 0))
    return {(r[0], r[1], r[2]): r[3] for r in rows}


def recount(session: Session, project_id: int) -> dict[Key, int]:
    """The counts as a fresh count of live annotations gives them (what ``stored`` must equal)."""
    return {(r[0], r[1], r[2]): r[3] for r in session.execute(_live_counts(project_id, None))}
