"""annotation heads drop the keys that only cost checks

Revision ID: b6headkeys01
Revises: b5outbox0001
Create Date: 2026-11-21 15:00:00

Every new annotation paid one check per foreign key of its head row (an index probe and a row lock
each; six per head, about a third of what PostgreSQL spends storing an annotation in bulk). Three go:
- ``project_id``: the head's file belongs to the same project, and the file's key (kept) already
  cascades a project's deletion to its annotations;
- ``created_by_id`` / ``updated_by_id``: provenance, written from the authenticated caller; users are
  never deleted (accounts are deactivated), so the keys' ON DELETE SET NULL never acted. History
  (``annotation_versions.author_id``) already keeps the author as recorded.
The file, schema and label keys stay: deleting those must take their annotations with them.
"""

from collections.abc import Sequence

from alembic import op

revision: str = 'b6headkeys01'
down_revision: str | None = 'b5outbox0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (constraint name, column, referred table, ON DELETE)
_KEYS = (
    ('fk_annotations_project_id_projects', 'project_id', 'projects', 'CASCADE'),
    ('fk_annotations_created_by_id_users', 'created_by_id', 'users', 'SET NULL'),
    ('fk_annotations_updated_by_id_users', 'updated_by_id', 'users', 'SET NULL'),
)


def upgrade() -> None:
    with op.batch_alter_table('annotations', schema=None) as batch_op:
        for name, _column, _table, _ondelete in _KEYS:
            batch_op.drop_constraint(name, type_='foreignkey')


def downgrade() -> None:
    with op.batch_alter_table('annotations', schema=None) as batch_op:
        for name, column, table, ondelete in _KEYS:
            batch_op.create_foreign_key(name, table, [column], ['id'], ondelete=ondelete)
