"""portal: page views per dataset (a count only) for the most-viewed list

Revision ID: 0008_portal_views
Revises: 0008_portal
Create Date: 2026-11-27 06:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_portal_views"
down_revision = "0008_portal"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dataset_view_count",
        sa.Column("dataset_id", sa.Integer(), nullable=False),
        sa.Column("views", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["dataset_id"], ["dataset.id"]),
        sa.PrimaryKeyConstraint("dataset_id"),
    )
    with op.batch_alter_table("dataset_view_count", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dataset_view_count_views"), ["views"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("dataset_view_count", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dataset_view_count_views"))
    op.drop_table("dataset_view_count")
