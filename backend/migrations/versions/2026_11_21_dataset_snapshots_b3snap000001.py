"""dataset snapshots for streaming

Revision ID: b3snap000001
Revises: b2fmt0000001
Create Date: 2026-11-21 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy import Text  # noqa: F401  (autogenerate renders JSONB(astext_type=Text()))
from alembic import op
from sqlalchemy.dialects import postgresql

import backend.core.types  # noqa: F401

revision: str = 'b3snap000001'
down_revision: str | None = 'b2fmt0000001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('dataset_snapshots',
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('dataset_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('parent_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('query', sa.Text(), nullable=False),
    sa.Column('as_of', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('file_count', sa.Integer(), nullable=False),
    sa.Column('labels', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('created_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('created_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_dataset_snapshots_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['dataset_id'], ['datasets.id'], name=op.f('fk_dataset_snapshots_dataset_id_datasets'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['parent_id'], ['dataset_snapshots.id'], name=op.f('fk_dataset_snapshots_parent_id_dataset_snapshots'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_dataset_snapshots_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dataset_snapshots'))
    )
    op.create_index(op.f('ix_dataset_snapshots_project_id'), 'dataset_snapshots', ['project_id'], unique=False)
    op.create_table('dataset_snapshot_files',
    sa.Column('snapshot_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('file_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['file_id'], ['files.id'], name=op.f('fk_dataset_snapshot_files_file_id_files'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['snapshot_id'], ['dataset_snapshots.id'], name=op.f('fk_dataset_snapshot_files_snapshot_id_dataset_snapshots'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('snapshot_id', 'position', name=op.f('pk_dataset_snapshot_files'))
    )
    op.create_index(op.f('ix_dataset_snapshot_files_file_id'), 'dataset_snapshot_files', ['file_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_dataset_snapshot_files_file_id'), table_name='dataset_snapshot_files')
    op.drop_table('dataset_snapshot_files')
    op.drop_index(op.f('ix_dataset_snapshots_project_id'), table_name='dataset_snapshots')
    op.drop_table('dataset_snapshots')
