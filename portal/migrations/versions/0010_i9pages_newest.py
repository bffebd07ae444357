"""i9pages: an index for the newest published datasets (the home page's list)

Revision ID: 0010_i9pages_newest
Revises: 0001
Create Date: 2026-11-27 09:20:00
"""

from alembic import op

revision = "0010_i9pages_newest"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dataset", schema=None) as batch_op:
        batch_op.create_index("ix_dataset_state_newest", ["state", "modified", "id"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("dataset", schema=None) as batch_op:
        batch_op.drop_index("ix_dataset_state_newest")
