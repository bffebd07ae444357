"""portal: former addresses of datasets (renamed slugs, the previous portal's URLs)

Revision ID: 0008_portal
Revises: 0001
Create Date: 2026-11-27 06:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_portal"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dataset_alias",
        sa.Column("alias", sa.String(length=200), nullable=False),
        sa.Column("dataset_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["dataset_id"], ["dataset.id"]),
        sa.PrimaryKeyConstraint("alias"),
    )
    with op.batch_alter_table("dataset_alias", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dataset_alias_dataset_id"), ["dataset_id"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("dataset_alias", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dataset_alias_dataset_id"))
    op.drop_table("dataset_alias")
