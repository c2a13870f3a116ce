"""The relay's SQL on the outbox table (its repository): read what is unpublished, mark what was sent."""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import datetime

from groundwork.events.envelope import EventMessage
from sqlalchemy import BigInteger, Connection, any_, bindparam, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY

from backend.events.models import Event
from backend.events.repository import OUTBOX_CHANNEL

_COLUMNS = (Event.id, Event.type, Event.project_id, Event.actor_id, Event.occurred_at, Event.payload,
            Event.schema_version)


def unpublished(conn: Connection, limit: int, *, up_to_id: int | None = None) -> list[EventMessage]:
    """The oldest unpublished events, in id order (at most ``limit``; none above ``up_to_id``)."""
    stmt = select(*_COLUMNS).where(Event.published_at.is_(None)).order_by(Event.id).limit(limit)
    if up_to_id is not None:
        stmt = stmt.where(Event.id <= up_to_id)
    # Rows come from our own typed table: building the messages without re-validating them is safe.
    return [EventMessage.model_construct(id=r[0], type=r[1], project_id=r[2], actor_id=r[3], occurred_at=r[4],
                                         payload=r[5], schema_version=r[6]) for r in conn.execute(stmt)]


def tune_relay_connection(conn: Connection) -> None:
    """Settings for a PostgreSQL connection the relay keeps for itself (see ``mark_published`` and ``unpublished``).

    - ``synchronous_commit = off``: a mark need not wait for the WAL flush (a mark lost in a crash only
      means the batch is published again, which at-least-once delivery and the consumers' dedup cover);
    - ``enable_bitmapscan = off``: read the backlog with a plain index scan in id order. Marked rows leave
      dead entries in the index until VACUUM; a plain index scan flags them as it passes so the next read
      skips them, a bitmap scan (which the planner picks for a small backlog) visits every one each time.
      With autovacuum off or behind, the relay's read otherwise grows with every event ever marked.
    """
    conn.execute(text("SET synchronous_commit = off"))
    conn.execute(text("SET enable_bitmapscan = off"))
    conn.execute(text(f"LISTEN {OUTBOX_CHANNEL}"))  # commits that wrote events notify (see events.repository)
    conn.commit()


def mark_published(conn: Connection, ids: Sequence[int], when: datetime, *, tuned: bool = False) -> None:
    """Mark events as relayed, in one statement (``tuned``: on a connection set up by ``tune_relay_connection``)."""
    if conn.dialect.name == "postgresql":
        if not tuned:  # see tune_relay_connection
            conn.execute(text("SET LOCAL synchronous_commit = off"))
        conn.execute(_MARK_PG, {"ids": list(ids), "when": when})  # one array parameter, not one per id
    else:
        conn.execute(update(Event).where(Event.id.in_(ids)).values(published_at=when))


_MARK_PG = update(Event).where(Event.id == any_(bindparam("ids", type_=ARRAY(BigInteger)))).values(
    published_at=bindparam("when"))


def pg_order_fence(conn: Connection, timeout_s: float) -> int | None:
    """On PostgreSQL: the highest event id that can no longer be overtaken by a commit still in flight.

    Ids come from a sequence at INSERT time, but transactions commit in any order: publishing the
    visible rows in id order could send event 12 before event 10 that a slower transaction commits a
    moment later. So: note the last id handed out and the transactions of this database that are
    writing at that moment, then wait until those have ended; after that every id up to the noted
    one is committed or rolled back for good. Only this database's writers are waited for (a
    PostgreSQL server is often shared), and for at most ``timeout_s``: then None (no limit) is
    returned, so a long writer delays the relay by that much at most. Not covered: a writer whose
    INSERT had drawn its id but not yet taken a transaction id (microseconds) when the list was read,
    and sessions of other roles whose transaction ids the relay's role may not see.
    """
    row = conn.execute(text(
        "SELECT (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM events_id_seq), "
        "array(SELECT backend_xid::text FROM pg_stat_activity WHERE datname = current_database() "
        "AND backend_xid IS NOT NULL AND pid <> pg_backend_pid())")).one()
    conn.commit()
    last_id, writers = int(row[0]), list(row[1])
    deadline = time.monotonic() + timeout_s
    wait = 0.0005
    while writers:
        writers = list(conn.execute(text(
            "SELECT array(SELECT backend_xid::text FROM pg_stat_activity "
            "WHERE backend_xid::text = ANY(:xids))"), {"xids": writers}).scalar_one())
        conn.commit()
        if not writers:
            break
        if time.monotonic() > deadline:
            return None
        time.sleep(wait)
        wait = min(wait * 2, 0.02)
    return last_id
