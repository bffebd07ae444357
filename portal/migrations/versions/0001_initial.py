"""initial catalog, collections and Wi-Fi locations

Revision ID: 0001
Revises:
Create Date: 2026-11-27 04:52:04.787336
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "agent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("iri", sa.String(length=500), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("name", sa.JSON(), nullable=False),
        sa.Column("homepage", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("ico", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("city", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
        sa.Column("source_id", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("iri"),
        sa.UniqueConstraint("slug"),
        sa.UniqueConstraint("source_id"),
    )
    with op.batch_alter_table("agent", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agent_kind"), ["kind"], unique=False)

    op.create_table(
        "contact_point",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("url", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "search_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "wifi_location",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("name", sa.JSON(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("municipality", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("stop_ids", sa.JSON(), nullable=False),
        sa.Column("welcome", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("slug"),
    )
    op.create_table(
        "catalog",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("iri", sa.String(length=500), nullable=False),
        sa.Column("title", sa.JSON(), nullable=False),
        sa.Column("description", sa.JSON(), nullable=False),
        sa.Column("homepage", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("publisher_id", sa.Integer(), nullable=True),
        sa.Column("is_local", sa.Boolean(), nullable=False),
        sa.Column("modified", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["publisher_id"],
            ["agent.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("iri"),
    )
    op.create_table(
        "collection_object",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("iri", sa.String(length=500), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("inventory_number", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("accession_number", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("collection", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("title", sa.JSON(), nullable=False),
        sa.Column("object_type", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("classification", sa.JSON(), nullable=False),
        sa.Column("description", sa.JSON(), nullable=False),
        sa.Column("materials", sa.JSON(), nullable=False),
        sa.Column("techniques", sa.JSON(), nullable=False),
        sa.Column("measurements", sa.JSON(), nullable=False),
        sa.Column("maker", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("production_date", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("earliest_year", sa.Integer(), nullable=True),
        sa.Column("latest_year", sa.Integer(), nullable=True),
        sa.Column("production_place", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("subjects", sa.JSON(), nullable=False),
        sa.Column("images", sa.JSON(), nullable=False),
        sa.Column("rights", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("esbirky_url", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.Column("europeana_url", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.Column("source_id", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("source_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["agent.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("institution_id", "inventory_number"),
        sa.UniqueConstraint("iri"),
        sa.UniqueConstraint("source_id"),
    )
    with op.batch_alter_table("collection_object", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_collection_object_institution_id"), ["institution_id"], unique=False
        )

    op.create_table(
        "data_service",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("iri", sa.String(length=500), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("title", sa.JSON(), nullable=False),
        sa.Column("description", sa.JSON(), nullable=False),
        sa.Column("endpoint_url", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column(
            "endpoint_description", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True
        ),
        sa.Column("publisher_id", sa.Integer(), nullable=True),
        sa.Column("license", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["publisher_id"],
            ["agent.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("iri"),
        sa.UniqueConstraint("slug"),
    )
    op.create_table(
        "dataset_series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("iri", sa.String(length=500), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("title", sa.JSON(), nullable=False),
        sa.Column("description", sa.JSON(), nullable=False),
        sa.Column("publisher_id", sa.Integer(), nullable=True),
        sa.Column("frequency", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["publisher_id"],
            ["agent.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("iri"),
        sa.UniqueConstraint("slug"),
    )
    op.create_table(
        "dataset",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("iri", sa.String(length=500), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("catalog_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.JSON(), nullable=False),
        sa.Column("description", sa.JSON(), nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("themes", sa.JSON(), nullable=False),
        sa.Column("concepts", sa.JSON(), nullable=False),
        sa.Column("publisher_id", sa.Integer(), nullable=False),
        sa.Column("contact_point_id", sa.Integer(), nullable=True),
        sa.Column("spatial", sa.JSON(), nullable=False),
        sa.Column("bbox_west", sa.Float(), nullable=True),
        sa.Column("bbox_south", sa.Float(), nullable=True),
        sa.Column("bbox_east", sa.Float(), nullable=True),
        sa.Column("bbox_north", sa.Float(), nullable=True),
        sa.Column("temporal_start", sa.Date(), nullable=True),
        sa.Column("temporal_end", sa.Date(), nullable=True),
        sa.Column("frequency", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("landing_page", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.Column("documentation", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.Column("series_id", sa.Integer(), nullable=True),
        sa.Column("issued", sa.Date(), nullable=True),
        sa.Column("modified", sa.Date(), nullable=True),
        sa.Column("source_id", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("source_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["catalog_id"],
            ["catalog.id"],
        ),
        sa.ForeignKeyConstraint(
            ["contact_point_id"],
            ["contact_point.id"],
        ),
        sa.ForeignKeyConstraint(
            ["publisher_id"],
            ["agent.id"],
        ),
        sa.ForeignKeyConstraint(
            ["series_id"],
            ["dataset_series.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("iri"),
        sa.UniqueConstraint("slug"),
        sa.UniqueConstraint("source_id"),
    )
    with op.batch_alter_table("dataset", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dataset_publisher_id"), ["publisher_id"], unique=False)
        batch_op.create_index("ix_dataset_state_modified", ["state", "updated_at"], unique=False)

    op.create_table(
        "data_service_dataset",
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("dataset_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["dataset.id"],
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["data_service.id"],
        ),
        sa.PrimaryKeyConstraint("service_id", "dataset_id"),
    )
    op.create_table(
        "distribution",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("iri", sa.String(length=500), nullable=False),
        sa.Column("dataset_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.JSON(), nullable=False),
        sa.Column("description", sa.JSON(), nullable=False),
        sa.Column("access_url", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("download_url", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.Column("format", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("media_type", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("byte_size", sa.Integer(), nullable=True),
        sa.Column("license", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column(
            "terms_author_work", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False
        ),
        sa.Column("terms_author", sa.JSON(), nullable=False),
        sa.Column(
            "terms_database_work", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False
        ),
        sa.Column("terms_database_author", sa.JSON(), nullable=False),
        sa.Column(
            "terms_special_db_rights", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False
        ),
        sa.Column(
            "terms_personal_data", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False
        ),
        sa.Column("access_service_id", sa.Integer(), nullable=True),
        sa.Column("issued", sa.Date(), nullable=True),
        sa.Column("modified", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["access_service_id"],
            ["data_service.id"],
        ),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["dataset.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("iri"),
    )
    with op.batch_alter_table("distribution", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_distribution_dataset_id"), ["dataset_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("distribution", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_distribution_dataset_id"))

    op.drop_table("distribution")
    op.drop_table("data_service_dataset")
    with op.batch_alter_table("dataset", schema=None) as batch_op:
        batch_op.drop_index("ix_dataset_state_modified")
        batch_op.drop_index(batch_op.f("ix_dataset_publisher_id"))

    op.drop_table("dataset")
    op.drop_table("dataset_series")
    op.drop_table("data_service")
    with op.batch_alter_table("collection_object", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_collection_object_institution_id"))

    op.drop_table("collection_object")
    op.drop_table("catalog")
    op.drop_table("wifi_location")
    op.drop_table("search_outbox")
    op.drop_table("contact_point")
    with op.batch_alter_table("agent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agent_kind"))

    op.drop_table("agent")
