"""workflows keep the builder's canvas layout

Revision ID: b7wflayout01
Revises: b6headkeys01
Create Date: 2026-11-21 16:00:00

Where the workflow builder places each value on its canvas, by value name. It is presentation, so it
lives on the workflow rather than in a version: moving a node makes no new version.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = 'b7wflayout01'
down_revision: str | None = 'b6headkeys01'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('workflows', schema=None) as batch_op:
        batch_op.add_column(sa.Column('layout', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'),
                                      nullable=False, server_default=sa.text("'{}'")))


def downgrade() -> None:
    with op.batch_alter_table('workflows', schema=None) as batch_op:
        batch_op.drop_column('layout')
