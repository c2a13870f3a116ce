"""annotation versions keep only the key to their annotation

Revision ID: b4verkeys001
Revises: b3snap000001
Create Date: 2026-11-21 13:00:00

A version row's project, file and schema are its annotation's (they never change on the head), so
its ``annotation_id`` key already ties it to live rows and deletes reach it by cascade through the
head. The other five keys only cost checks: each one an index probe and a row lock on every
insert (5 of the 12 per annotation a bulk write paid). ``label_id`` and ``author_id`` are history:
they keep the value they had when the version was written (a label used in history is archived,
not deleted; users are never deleted by the application).
"""

from collections.abc import Sequence

from alembic import op

revision: str = 'b4verkeys001'
down_revision: str | None = 'b3snap000001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (constraint name, column, referred table, ON DELETE)
_KEYS = (
    ('fk_annotation_versions_author_id_users', 'author_id', 'users', 'SET NULL'),
    ('fk_annotation_versions_file_id_files', 'file_id', 'files', 'CASCADE'),
    ('fk_annotation_versions_label_id_labels', 'label_id', 'labels', 'CASCADE'),
    ('fk_annotation_versions_project_id_projects', 'project_id', 'projects', 'CASCADE'),
    ('fk_annotation_versions_schema_id_label_schemas', 'schema_id', 'label_schemas', 'CASCADE'),
)


def upgrade() -> None:
    with op.batch_alter_table('annotation_versions', schema=None) as batch_op:
        for name, _column, _table, _ondelete in _KEYS:
            batch_op.drop_constraint(name, type_='foreignkey')


def downgrade() -> None:
    with op.batch_alter_table('annotation_versions', schema=None) as batch_op:
        for name, column, table, ondelete in _KEYS:
            batch_op.create_foreign_key(name, table, [column], ['id'], ondelete=ondelete)
