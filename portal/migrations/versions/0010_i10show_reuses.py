"""reuses (the showcase): apps, visualisations, articles and ideas built on the data

Revision ID: 0010_i10show_reuses
Revises: 0002_accounts
Create Date: 2026-11-27 09:20:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0010_i10show_reuses"
down_revision = "0002_accounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reuse",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("type", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("url", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("author_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("moderation_note", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.Column("submitter_id", sa.Integer(), nullable=True),
        sa.Column("moderated_by", sa.Integer(), nullable=True),
        sa.Column("moderated_at", sa.DateTime(), nullable=True),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("source_key", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["submitter_id"], ["user_account.id"]),
        sa.ForeignKeyConstraint(["moderated_by"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source_key"),
    )
    with op.batch_alter_table("reuse", schema=None) as batch_op:
        batch_op.create_index(
            "ix_reuse_status_published", ["status", "published_at", "id"], unique=False
        )
        batch_op.create_index("ix_reuse_status_type", ["status", "type"], unique=False)
        batch_op.create_index(batch_op.f("ix_reuse_submitter_id"), ["submitter_id"], unique=False)
    op.create_table(
        "reuse_dataset",
        sa.Column("reuse_id", sa.Integer(), nullable=False),
        sa.Column("dataset_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["dataset_id"], ["dataset.id"]),
        sa.ForeignKeyConstraint(["reuse_id"], ["reuse.id"]),
        sa.PrimaryKeyConstraint("reuse_id", "dataset_id"),
    )
    with op.batch_alter_table("reuse_dataset", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reuse_dataset_dataset_id"), ["dataset_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("reuse_dataset", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reuse_dataset_dataset_id"))
    op.drop_table("reuse_dataset")
    with op.batch_alter_table("reuse", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reuse_submitter_id"))
        batch_op.drop_index("ix_reuse_status_type")
        batch_op.drop_index("ix_reuse_status_published")
    op.drop_table("reuse")
