"""One migration history: the migrated schema matches the models on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, create_engine, text
from sqlmodel import SQLModel

from portal import migrate
from portal.migrate import is_current


def test_migrated_schema_matches_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == []


def test_database_is_at_the_head_revision(engine: Engine) -> None:
    assert is_current(engine)


def test_a_populated_foundation_catalog_upgrades_on_sqlite(tmp_path: Path) -> None:
    """SQLite rebuilds altered tables: the rows of a 0001 catalog, referenced ones included,
    survive the upgrade to every head, and no temporary table is left behind."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    migrate.upgrade(url, "0001")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO agent (id, slug, iri, kind, name, created_at, updated_at) VALUES "
            "(1, 'kraj', 'https://example.test/kraj', 'PUBLISHER', '{\"cs\": \"Kraj\"}', "
            "'2026-01-01', '2026-01-01')"))
        conn.execute(text(
            "INSERT INTO dataset (id, slug, iri, state, title, description, keywords, themes, "
            "concepts, publisher_id, spatial, created_at, updated_at) VALUES (1, 'rozpocet', "
            "'https://example.test/rozpocet', 'PUBLISHED', '{\"cs\": \"Rozpočet\"}', "
            "'{\"cs\": \"Rozpočet kraje\"}', '[]', '[]', '[]', 1, '[]', '2026-01-01', "
            "'2026-01-01')"))
        conn.execute(text(
            "INSERT INTO distribution (id, iri, dataset_id, position, title, description, "
            "access_url, terms_author_work, terms_author, terms_database_work, "
            "terms_database_author, terms_special_db_rights, terms_personal_data) VALUES "
            "(1, 'https://example.test/rozpocet/1', 1, 0, '{}', '{}', 'https://example.test/r.csv',"
            " 'a', 'b', 'c', 'd', 'e', 'f')"))
    migrate.upgrade(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT slug FROM dataset")).scalars().all() == ["rozpocet"]
        assert conn.execute(text("SELECT dataset_id FROM distribution")).scalars().all() == [1]
        assert conn.execute(text(
            "SELECT name FROM sqlite_master WHERE name LIKE '_alembic_tmp%'")).all() == []
        assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
    engine.dispose()
