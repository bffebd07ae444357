"""harvest sources, jobs, issues, records and identities

Revision ID: 0004_harvest
Revises: 0001
Create Date: 2026-11-27 05:51:31.609262
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0004_harvest"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("harvest_source",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("name", sa.String(length=120), nullable=False),
    sa.Column("type", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column("url", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column("publisher", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column("metadata_prefix", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column("set_spec", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column("schedule", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column("options", sa.JSON(), nullable=False),
    sa.Column("cursor", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column("validators", sa.JSON(), nullable=False),
    sa.Column("scheduled_runs", sa.Integer(), nullable=False),
    sa.Column("lock_job_id", sa.Integer(), nullable=True),
    sa.Column("locked_at", sa.DateTime(), nullable=True),
    sa.Column("created_at", sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("name")
    )
    op.create_table("harvest_job",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("source_id", sa.Integer(), nullable=False),
    sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column("full", sa.Boolean(), nullable=False),
    sa.Column("started_at", sa.DateTime(), nullable=False),
    sa.Column("finished_at", sa.DateTime(), nullable=True),
    sa.Column("pid", sa.Integer(), nullable=True),
    sa.Column("hostname", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
    sa.Column("added", sa.Integer(), nullable=False),
    sa.Column("updated", sa.Integer(), nullable=False),
    sa.Column("unchanged", sa.Integer(), nullable=False),
    sa.Column("merged", sa.Integer(), nullable=False),
    sa.Column("archived", sa.Integer(), nullable=False),
    sa.Column("errored", sa.Integer(), nullable=False),
    sa.Column("error", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
    sa.ForeignKeyConstraint(["source_id"], ["harvest_source.id"], ),
    sa.PrimaryKeyConstraint("id")
    )
    with op.batch_alter_table("harvest_job", schema=None) as batch_op:
        batch_op.create_index("ix_harvest_job_source_started", ["source_id", "started_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_harvest_job_status"), ["status"], unique=False)

    op.create_table("harvest_record",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("source_id", sa.Integer(), nullable=False),
    sa.Column("remote_id", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column("entity_id", sa.Integer(), nullable=False),
    sa.Column("content_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column("merged", sa.Boolean(), nullable=False),
    sa.Column("detached", sa.Boolean(), nullable=False),
    sa.Column("archived", sa.Boolean(), nullable=False),
    sa.Column("flags", sa.JSON(), nullable=False),
    sa.Column("last_seen_job_id", sa.Integer(), nullable=True),
    sa.Column("missing_since", sa.DateTime(), nullable=True),
    sa.Column("created_at", sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(["source_id"], ["harvest_source.id"], ),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("source_id", "remote_id")
    )
    with op.batch_alter_table("harvest_record", schema=None) as batch_op:
        batch_op.create_index("ix_harvest_record_entity", ["kind", "entity_id"], unique=False)
        batch_op.create_index("ix_harvest_record_seen", ["source_id", "last_seen_job_id"], unique=False)

    op.create_table("harvest_identity",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("record_id", sa.Integer(), nullable=False),
    sa.Column("key", sa.String(length=600), nullable=False),
    sa.ForeignKeyConstraint(["record_id"], ["harvest_record.id"], ),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("record_id", "key")
    )
    with op.batch_alter_table("harvest_identity", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_harvest_identity_key"), ["key"], unique=False)
        batch_op.create_index(batch_op.f("ix_harvest_identity_record_id"), ["record_id"], unique=False)

    op.create_table("harvest_issue",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("job_id", sa.Integer(), nullable=False),
    sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column("message", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column("count", sa.Integer(), nullable=False),
    sa.Column("examples", sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(["job_id"], ["harvest_job.id"], ),
    sa.PrimaryKeyConstraint("id")
    )
    with op.batch_alter_table("harvest_issue", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_harvest_issue_job_id"), ["job_id"], unique=False)



def downgrade() -> None:
    with op.batch_alter_table("harvest_issue", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_harvest_issue_job_id"))

    op.drop_table("harvest_issue")
    with op.batch_alter_table("harvest_identity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_harvest_identity_record_id"))
        batch_op.drop_index(batch_op.f("ix_harvest_identity_key"))

    op.drop_table("harvest_identity")
    with op.batch_alter_table("harvest_record", schema=None) as batch_op:
        batch_op.drop_index("ix_harvest_record_seen")
        batch_op.drop_index("ix_harvest_record_entity")

    op.drop_table("harvest_record")
    with op.batch_alter_table("harvest_job", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_harvest_job_status"))
        batch_op.drop_index("ix_harvest_job_source_started")

    op.drop_table("harvest_job")
    op.drop_table("harvest_source")
