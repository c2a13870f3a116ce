"""exports and imports: background jobs

Revision ID: b2fmt0000001
Revises: b1wf00000001
Create Date: 2026-11-21 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy import Text  # noqa: F401  (autogenerate renders JSONB(astext_type=Text()))
from alembic import op
from sqlalchemy.dialects import postgresql

import backend.core.types  # noqa: F401

revision: str = 'b2fmt0000001'
down_revision: str | None = 'b1wf00000001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('export_jobs',
    sa.Column('format', sa.String(length=16), nullable=False),
    sa.Column('query', sa.Text(), nullable=False),
    sa.Column('dataset_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('dataset_name', sa.String(length=200), nullable=True),
    sa.Column('schema_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('as_of', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('destination', sa.String(length=16), nullable=False),
    sa.Column('connection_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('object_key', sa.String(length=1000), nullable=True),
    sa.Column('options', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('file_name', sa.String(length=300), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size_bytes', sa.BigInteger(), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('stats', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('status', sa.Enum('pending', 'running', 'succeeded', 'failed', name='jobstatus', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('progress_done', sa.Integer(), nullable=False),
    sa.Column('progress_total', sa.Integer(), nullable=True),
    sa.Column('error', sa.String(length=2000), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('lease_owner', sa.String(length=100), nullable=True),
    sa.Column('lease_until', backend.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('started_at', backend.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', backend.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('created_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['connection_id'], ['storage_connections.id'], name=op.f('fk_export_jobs_connection_id_storage_connections'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_export_jobs_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['dataset_id'], ['datasets.id'], name=op.f('fk_export_jobs_dataset_id_datasets'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_export_jobs_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['schema_id'], ['label_schemas.id'], name=op.f('fk_export_jobs_schema_id_label_schemas'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_export_jobs'))
    )
    with op.batch_alter_table('export_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_export_jobs_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_export_jobs_status'), ['status'], unique=False)

    op.create_table('import_jobs',
    sa.Column('format', sa.String(length=16), nullable=False),
    sa.Column('schema_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('options', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('source_name', sa.String(length=500), nullable=False),
    sa.Column('upload_dir', sa.String(length=500), nullable=False),
    sa.Column('rows_done', sa.Integer(), nullable=False),
    sa.Column('counts', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('status', sa.Enum('pending', 'running', 'succeeded', 'failed', name='jobstatus', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('progress_done', sa.Integer(), nullable=False),
    sa.Column('progress_total', sa.Integer(), nullable=True),
    sa.Column('error', sa.String(length=2000), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('lease_owner', sa.String(length=100), nullable=True),
    sa.Column('lease_until', backend.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('started_at', backend.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', backend.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('created_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_import_jobs_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_import_jobs_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['schema_id'], ['label_schemas.id'], name=op.f('fk_import_jobs_schema_id_label_schemas'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_jobs'))
    )
    with op.batch_alter_table('import_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_jobs_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_import_jobs_status'), ['status'], unique=False)

    op.create_table('export_job_files',
    sa.Column('job_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('file_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['file_id'], ['files.id'], name=op.f('fk_export_job_files_file_id_files'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['job_id'], ['export_jobs.id'], name=op.f('fk_export_job_files_job_id_export_jobs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('job_id', 'file_id', name=op.f('pk_export_job_files'))
    )
    op.create_table('import_rejections',
    sa.Column('job_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('row', sa.String(length=300), nullable=False),
    sa.Column('reason', sa.String(length=1000), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['import_jobs.id'], name=op.f('fk_import_rejections_job_id_import_jobs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('job_id', 'seq', name=op.f('pk_import_rejections'))
    )


def downgrade() -> None:
    op.drop_table('import_rejections')
    op.drop_table('export_job_files')
    with op.batch_alter_table('import_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_jobs_status'))
        batch_op.drop_index(batch_op.f('ix_import_jobs_project_id'))

    op.drop_table('import_jobs')
    with op.batch_alter_table('export_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_export_jobs_status'))
        batch_op.drop_index(batch_op.f('ix_export_jobs_project_id'))

    op.drop_table('export_jobs')
