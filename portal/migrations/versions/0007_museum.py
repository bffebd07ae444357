"""museum register: acquisition, OAI-PMH keyset index, import batches and their records

Revision ID: 0007_museum
Revises: 0001
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0007_museum"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("collection_object", schema=None) as batch_op:
        batch_op.add_column(sa.Column("acquisition", sqlmodel.sql.sqltypes.AutoString(length=500),
                                      nullable=True))
        batch_op.create_index("ix_collection_object_updated_id", ["updated_at", "id"],
                              unique=False)

    op.create_table(
        "museum_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("filename", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("valid", sa.Integer(), nullable=False),
        sa.Column("invalid", sa.Integer(), nullable=False),
        sa.Column("imported", sa.Integer(), nullable=False),
        sa.Column("file_error", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["institution_id"], ["agent.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("museum_import", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_museum_import_institution_id"), ["institution_id"],
                              unique=False)

    op.create_table(
        "museum_import_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("source_key", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=True),
        sa.Column("errors", sa.JSON(), nullable=False),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["import_id"], ["museum_import.id"]),
        sa.ForeignKeyConstraint(["object_id"], ["collection_object.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("museum_import_record", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_museum_import_record_import_id"), ["import_id"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("museum_import_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_museum_import_record_import_id"))
    op.drop_table("museum_import_record")
    with op.batch_alter_table("museum_import", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_museum_import_institution_id"))
    op.drop_table("museum_import")
    with op.batch_alter_table("collection_object", schema=None) as batch_op:
        batch_op.drop_index("ix_collection_object_updated_id")
        batch_op.drop_column("acquisition")
