"""SQL for annotations: head rows, the append-only version log, and "as of" reads."""

from __future__ import annotations

import itertools
import json
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from operator import itemgetter
from typing import Any, cast

import psycopg
from sqlalchemy import (
    JSON,
    ColumnElement,
    Row,
    Table,
    Uuid,
    and_,
    any_,
    bindparam,
    exists,
    func,
    insert,
    select,
    true,
    update,
)
from sqlalchemy import exc as sa_exc
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from backend.annotations.geometry import FileShape
from backend.annotations.models import Annotation, AnnotationVersion
from backend.files import repository as files_repo
from backend.files.models import File
from backend.tasks.models import Task, TaskStatus

# Columns copied from a head row into each version row.
CONTENT = ("project_id", "file_id", "schema_id", "label_id", "type", "geometry", "attributes", "source",
           "model_name", "model_version", "score")

# Core tables for executemany UPDATEs and COPY (the ORM would turn a list of rows into a bulk update by key).
_HEADS = cast(Table, Annotation.__table__)
_VERSIONS = cast(Table, AnnotationVersion.__table__)

# From this many rows on, PostgreSQL gets them through COPY: one statement streamed in one round
# trip, against one INSERT executed per row (measured ~2x faster for 10,000 heads plus versions, and
# for the 64 tags of a zero-shot micro-batch).
COPY_MIN_ROWS = 2

EDITABLE_TASK_STATUSES = (TaskStatus.available, TaskStatus.in_progress, TaskStatus.changes_requested)


def file_shapes(session: Session, project_id: int, file_ids: Iterable[int]) -> dict[int, FileShape]:
    """The live files of a project among ``file_ids``, with what geometry is checked against."""
    rows = session.execute(select(File.id, File.project_id, File.kind, File.width, File.height, File.text_length)
                           .where(files_repo.by_id(file_ids)))
    return {r.id: FileShape(r.id, r.kind, r.width, r.height, r.text_length) for r in rows if r.project_id == project_id}


def file_shape(session: Session, project_id: int, file_id: int, visible: ColumnElement[bool], *,
               editable_by: int | None) -> tuple[FileShape, bool] | None:
    """A live, visible file of the project and whether ``editable_by`` has a task on it still open for work
    (always True without ``editable_by``); None if there is no such file."""
    editable: ColumnElement[bool] = true()
    if editable_by is not None:
        editable = exists().where(Task.file_id == File.id, Task.assignee_id == editable_by,
                                  Task.status.in_(EDITABLE_TASK_STATUSES))
    row = session.execute(select(File.id, File.kind, File.width, File.height, File.text_length, editable)
                          .where(File.id == file_id, File.project_id == project_id, File.deleted_at.is_(None),
                                 visible)).first()
    return (FileShape(row[0], row[1], row[2], row[3], row[4]), bool(row[5])) if row is not None else None


def existing_ids(session: Session, ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
    """Which of ``ids`` are taken by an annotation already (in any project)."""
    return set(session.scalars(select(Annotation.id).where(Annotation.id.in_(list(ids)))))


def insert_versions(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Append version rows (all with the same keys)."""
    if rows:
        if _use_copy(session, len(rows)):
            names = list(rows[0])
            _copy(session, _VERSIONS, names, map(itemgetter(*names), rows), {})
        else:
            session.execute(insert(_VERSIONS), list(rows))


def insert_one(session: Session, head: dict[str, Any]) -> Annotation:
    """Insert one new annotation and its version 1; the stored head."""
    stored = session.scalars(insert(Annotation).returning(Annotation), [head]).one()
    session.execute(insert(_VERSIONS), [{v: head[k] for v, k in _FIRST_VERSION.items()}])
    return stored


def insert_new(session: Session, heads: Iterable[dict[str, Any]], *, expected: int) -> None:
    """Insert new annotations: their head rows (all with the same keys) and version 1 of each, from the head.

    ``heads`` may be a generator that validates as it goes (about ``expected`` rows): on PostgreSQL the
    rows stream into one COPY as they come, so the database works while the rest is being produced; an
    exception from the generator aborts the COPY and propagates.
    """
    if not _use_copy(session, expected):
        rows = list(heads)
        if rows:
            session.execute(insert(_HEADS), rows)
            session.execute(insert(_VERSIONS), [{v: h[k] for v, k in _FIRST_VERSION.items()} for h in rows])
        return
    stream = iter(heads)
    first = next(stream, None)
    if first is None:
        return
    names = list(first)
    ids: list[uuid.UUID] = []

    def rows_of(all_heads: Iterable[dict[str, Any]]) -> Iterator[Sequence[Any]]:
        pick = itemgetter(*names)
        for h in all_heads:
            ids.append(h["id"])
            yield pick(h)

    _copy(session, _HEADS, names, rows_of(itertools.chain((first,), stream)), {})
    # The first versions are copies of the heads just written: PostgreSQL makes them from those rows
    # (one statement, ids passed as one array) rather than the server encoding and sending them twice.
    session.execute(_FIRST_VERSIONS_FROM_HEADS, {"ids": ids})


# Version-row column -> the head-row key it is copied from, for an annotation's first version.
_FIRST_VERSION = {"annotation_id": "id", "version": "version", **{k: k for k in CONTENT}, "deleted": "deleted",
                  "author_id": "created_by_id", "created_at": "created_at"}


# Version-row column -> head-row key for the version a head was just updated to (its author and time).
_LATEST_VERSION = {**_FIRST_VERSION, "author_id": "updated_by_id", "created_at": "updated_at"}

# PostgreSQL: the heads whose ids are passed as one array parameter, ``ids``.
_IDS_IN_ARRAY = _HEADS.c.id == any_(bindparam("ids", type_=postgresql.ARRAY(Uuid)))
_IDS_PER_STATEMENT = 10_000  # SQLite binds each id as a parameter


def _versions_from_heads(columns: dict[str, str], which: ColumnElement[bool]) -> Any:
    """``INSERT INTO versions SELECT ... FROM heads WHERE which``: version rows made by the database from the
    heads (``columns``: version-row column -> head column)."""
    return insert(_VERSIONS).from_select(
        list(columns), select(*(_HEADS.c[k] for k in columns.values())).where(which))


_FIRST_VERSIONS_FROM_HEADS = _versions_from_heads(_FIRST_VERSION, _IDS_IN_ARRAY)
_LATEST_VERSIONS_FROM_HEADS = _versions_from_heads(_LATEST_VERSION, _IDS_IN_ARRAY)


def _use_copy(session: Session, n: int) -> bool:
    return n >= COPY_MIN_ROWS and session.get_bind().dialect.name == "postgresql"


def _copy(session: Session, table: Table, names: list[str], rows: Iterable[Sequence[Any]],
          memo: dict[str, dict[int, Any]]) -> None:
    """Binary ``COPY table FROM STDIN``, each value converted exactly as an INSERT's bind parameter would be.

    ``memo`` maps column -> id(value) -> converted value: the same objects (one timestamp, one enum
    member, the geometry a head shares with its version) are converted once. The rows keep them alive.
    """
    conn = session.connection()
    dialect = conn.dialect
    steps: list[tuple[int, Callable[[Any], Any], dict[int, Any]]] = []
    for i, name in enumerate(names):
        type_ = table.c[name].type
        # JSON: encoded here (None is JSON null, as SQLAlchemy's JSON type stores it). Others: SQLAlchemy's
        # own bind processor (enum names, UTC timestamps); types psycopg adapts itself need none.
        fn: Callable[[Any], Any] | None = (_jsonb_field if isinstance(type_, JSON)
                                           else type_.dialect_impl(dialect).bind_processor(dialect))
        if fn is not None:
            steps.append((i, fn, memo.setdefault(name, {})))
    json_columns = {i for i, name in enumerate(names) if isinstance(table.c[name].type, JSON)}
    quote = dialect.identifier_preparer.quote
    target = dialect.identifier_preparer.format_table(table)
    sql = f"COPY {target} ({', '.join(quote(n) for n in names)}) FROM STDIN (FORMAT BINARY)"
    cursor = cast(psycopg.Cursor[Any], conn.connection.cursor())
    try:
        oids = _column_types(conn.connection.info, cursor, target)
        with cursor.copy(sql) as copy:
            # Binary COPY needs each column's exact type; JSON columns get their field bytes ready-made
            # (``_jsonb_field``), passed through as psycopg passes bytea.
            copy.set_types([_BYTEA_OID if i in json_columns else oids[n] for i, n in enumerate(names)])
            for row in rows:
                values = list(row)
                for i, fn, seen in steps:
                    value = values[i]
                    key = id(value)
                    if key in seen:
                        values[i] = seen[key]
                    else:
                        values[i] = seen[key] = fn(value)
                copy.write_row(values)
    except psycopg.IntegrityError as exc:  # the same exception an INSERT would raise through SQLAlchemy
        raise sa_exc.IntegrityError(sql, None, exc) from exc
    finally:
        cursor.close()


def _column_types(info: dict[Any, Any], cursor: psycopg.Cursor[Any], table: str) -> dict[str, int]:
    """Column name -> type oid, asked once per database connection (``info`` lives as long as it does;
    migrations run before the server starts, so a table's types do not change under an open connection)."""
    known: dict[str, dict[str, int]] = info.setdefault("groundwork_column_types", {})
    if table not in known:
        cursor.execute("SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0",
                       [table])
        known[table] = dict(cursor.fetchall())
    return known[table]


_BYTEA_OID = 17
_JSONB_FORMAT_1 = b"\x01"  # jsonb's binary input: a format version byte, then the JSON text
_EMPTY_OBJECT = _JSONB_FORMAT_1 + b"{}"


_BOX_KEYS = frozenset(("x", "y", "w", "h"))


def _jsonb_field(value: Any) -> bytes:
    """A jsonb field of binary COPY (None is JSON null, as SQLAlchemy's JSON type stores it)."""
    if type(value) is dict:
        if not value:
            return _EMPTY_OBJECT  # attributes are mostly empty: no encoding for those
        if value.keys() == _BOX_KEYS:  # most geometries are boxes: ~5x cheaper than json.dumps
            x, y, w, h = value["x"], value["y"], value["w"], value["h"]
            # validated coordinates are finite floats, whose repr is JSON (jsonb keeps values, not spacing)
            if type(x) is float and type(y) is float and type(w) is float and type(h) is float:
                return b'\x01{"x":%r,"y":%r,"w":%r,"h":%r}' % (x, y, w, h)
    return _JSONB_FORMAT_1 + json.dumps(value).encode()


def head(session: Session, project_id: int, annotation_id: uuid.UUID) -> Annotation | None:
    return session.scalar(select(Annotation).where(Annotation.id == annotation_id,
                                                   Annotation.project_id == project_id))


def bump(session: Session, annotation_id: uuid.UUID, expected: int, values: dict[str, Any]) -> Annotation | None:
    """Write a new head state only if it is still at ``expected`` (race-free optimistic locking); the new state."""
    result = session.execute(
        update(Annotation)
        .where(Annotation.id == annotation_id, Annotation.version == expected, Annotation.deleted.is_(False))
        .values(version=expected + 1, **values).returning(Annotation),
        execution_options={"synchronize_session": False, "populate_existing": True})
    return result.scalars().first()


def live_of_file(session: Session, file_id: int, schema_id: int | None, after: str | None,
                 limit: int) -> list[Annotation]:
    stmt = (select(Annotation).where(Annotation.file_id == file_id, Annotation.deleted.is_(False))
            .order_by(Annotation.id).limit(limit))
    if schema_id is not None:
        stmt = stmt.where(Annotation.schema_id == schema_id)
    if after is not None:
        stmt = stmt.where(Annotation.id > uuid.UUID(after))
    return list(session.scalars(stmt))


def as_of_file(session: Session, file_id: int, as_of: datetime, schema_id: int | None, after: str | None,
               limit: int) -> list[AnnotationVersion]:
    """Each annotation of a file as it stood at ``as_of`` (its newest version by then, unless deleted)."""
    latest = (select(AnnotationVersion.annotation_id, func.max(AnnotationVersion.version).label("v"))
              .where(AnnotationVersion.file_id == file_id, AnnotationVersion.created_at <= as_of)
              .group_by(AnnotationVersion.annotation_id).subquery())
    stmt = (select(AnnotationVersion)
            .join(latest, and_(AnnotationVersion.annotation_id == latest.c.annotation_id,
                               AnnotationVersion.version == latest.c.v))
            .where(AnnotationVersion.deleted.is_(False))
            .order_by(AnnotationVersion.annotation_id).limit(limit))
    if schema_id is not None:
        stmt = stmt.where(AnnotationVersion.schema_id == schema_id)
    if after is not None:
        stmt = stmt.where(AnnotationVersion.annotation_id > uuid.UUID(after))
    return list(session.scalars(stmt))


def versions_of(session: Session, annotation_id: uuid.UUID, after: int | None,
                limit: int) -> list[AnnotationVersion]:
    stmt = (select(AnnotationVersion).where(AnnotationVersion.annotation_id == annotation_id)
            .order_by(AnnotationVersion.version).limit(limit))
    if after is not None:
        stmt = stmt.where(AnnotationVersion.version > after)
    return list(session.scalars(stmt))


def version(session: Session, annotation_id: uuid.UUID, number: int) -> AnnotationVersion | None:
    return session.get(AnnotationVersion, (annotation_id, number))


def history_of_file(session: Session, file_id: int, after: tuple[str, str, int] | None,
                    limit: int) -> list[AnnotationVersion]:
    """Every version of every annotation on a file, oldest first."""
    stmt = (select(AnnotationVersion).where(AnnotationVersion.file_id == file_id)
            .order_by(AnnotationVersion.created_at, AnnotationVersion.annotation_id, AnnotationVersion.version)
            .limit(limit))
    if after is not None:
        at = datetime.fromisoformat(after[0])
        aid = uuid.UUID(after[1])
        stmt = stmt.where(
            (AnnotationVersion.created_at > at)
            | and_(AnnotationVersion.created_at == at, AnnotationVersion.annotation_id > aid)
            | and_(AnnotationVersion.created_at == at, AnnotationVersion.annotation_id == aid,
                   AnnotationVersion.version > after[2]))
    return list(session.scalars(stmt))


def tombstone_for_replace(session: Session, file_ids: list[int], scope: str, source: str | None,
                          model_names: set[str | None], user_id: int, at: datetime) -> Sequence[Row[Any]]:
    """Tombstone the live annotations a replace-mode bulk write removes, each at its next version; the removed
    heads' ``id``, ``file_id``, ``label_id`` and ``source``.

    Two statements whatever the count: one UPDATE (its row locks hold the heads against concurrent edits,
    and a head changed meanwhile is bumped from its current version), then the version rows made by the
    database from the updated heads, rather than a select, an update per head and an insert per version.
    """
    stmt = update(_HEADS).where(_HEADS.c.file_id.in_(file_ids), _HEADS.c.deleted.is_(False))
    if scope == "source" and source is not None:
        stmt = stmt.where(_HEADS.c.source == source)
    elif scope == "model":
        stmt = stmt.where(_HEADS.c.source == "model",
                          _HEADS.c.model_name.in_([n for n in model_names if n is not None]))
    removed = session.execute(
        stmt.values(deleted=True, version=_HEADS.c.version + 1, updated_at=at, updated_by_id=user_id)
        .returning(_HEADS.c.id, _HEADS.c.file_id, _HEADS.c.label_id, _HEADS.c.source)).all()
    ids = [r.id for r in removed]
    if not ids:
        return removed
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_LATEST_VERSIONS_FROM_HEADS, {"ids": ids})
        return removed
    for start in range(0, len(ids), _IDS_PER_STATEMENT):
        session.execute(_versions_from_heads(_LATEST_VERSION, _HEADS.c.id.in_(ids[start:start + _IDS_PER_STATEMENT])))
    return removed
