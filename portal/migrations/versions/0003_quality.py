"""linked data: source identifiers and HVD fields of datasets, quality scores, link checks

Revision ID: 0003_quality
Revises: 0001
Create Date: 2026-11-27 06:10:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0003_quality"
down_revision = "0001"
branch_labels = None
depends_on = None

NEW_DATASET_COLUMNS = ("identifiers", "applicable_legislation", "hvd_categories")


def upgrade() -> None:
    with op.batch_alter_table("dataset", schema=None) as batch_op:
        for name in NEW_DATASET_COLUMNS:
            batch_op.add_column(sa.Column(name, sa.JSON(), nullable=False,
                                          server_default=sa.text("'[]'")))
    # The default only fills existing rows; the models always write the value.
    with op.batch_alter_table("dataset", schema=None) as batch_op:
        for name in NEW_DATASET_COLUMNS:
            batch_op.alter_column(name, server_default=None)

    op.create_table(
        "quality_score",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dataset_id", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("max_points", sa.Integer(), nullable=False),
        sa.Column("dimensions", sa.JSON(), nullable=False),
        sa.Column("checks", sa.JSON(), nullable=False),
        sa.Column("violations", sa.Integer(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["dataset_id"], ["dataset.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dataset_id"),
    )
    op.create_table(
        "link_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=1000), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("content_type", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("byte_size", sa.BigInteger(), nullable=True),
        sa.Column("error", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("checked_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("url"),
    )


def downgrade() -> None:
    op.drop_table("link_check")
    op.drop_table("quality_score")
    with op.batch_alter_table("dataset", schema=None) as batch_op:
        for name in reversed(NEW_DATASET_COLUMNS):
            batch_op.drop_column(name)
