"""the relay's index holds only unpublished events

Revision ID: b5outbox0001
Revises: b4verkeys001
Create Date: 2026-11-21 14:00:00

``ix_events_unpublished`` was (published_at, id): marking an event published wrote a second entry
for it, and the index kept every event ever written. As a partial index on id over the unpublished
rows it stays as small as the backlog, and marking a row adds no entry to it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'b5outbox0001'
down_revision: str | None = 'b4verkeys001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_UNPUBLISHED = sa.text('published_at IS NULL')


def upgrade() -> None:
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_unpublished')
        batch_op.create_index('ix_events_unpublished', ['id'], unique=False, postgresql_where=_UNPUBLISHED,
                              sqlite_where=_UNPUBLISHED)


def downgrade() -> None:
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_unpublished')
        batch_op.create_index('ix_events_unpublished', ['published_at', 'id'], unique=False)
