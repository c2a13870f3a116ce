"""exports and imports: background jobs

Revision ID: b2fmt0000001
Revises: b1wf00000001
Create Date: 2026-11-21 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from sqlalchemy import Text  # noqa: F401  (autogenerate renders JSONB(astext_type=Text()))
from alembic import op  # noqa: F401

import backend.core.types  # noqa: F401

revision: str = 'b2fmt0000001'
down_revision: str | None = 'b1wf00000001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
