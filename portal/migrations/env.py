"""Alembic environment: the one migration history of the catalog and the Wi-Fi registry."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import captive_portal.models  # noqa: F401 - registers the Wi-Fi tables
import catalog.accounts.models  # noqa: F401 - registers the account tables
import catalog.aliases  # noqa: F401 - registers the dataset alias table
import catalog.editor.models  # noqa: F401 - registers the editor's tables
import catalog.editorial.models  # noqa: F401 - registers the editorial tables
import catalog.models  # noqa: F401 - registers the catalog tables
import catalog.museum.models  # noqa: F401 - registers the museum import tables
import catalog.notifications.models  # noqa: F401 - registers the notification tables
import catalog.popularity  # noqa: F401 - registers the dataset view counts
import catalog.quality.models  # noqa: F401 - registers the quality tables
import catalog.reuses.models  # noqa: F401 - registers the reuse tables
import catalog.tokens.models  # noqa: F401 - registers the API token table
import harvesters.models  # noqa: F401 - registers the harvest tables
from catalog.db import make_engine

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"),
                      target_metadata=target_metadata, literal_binds=True,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            # SQLite alters a table by copying it into a new one and dropping the old: with
            # foreign keys enforced, dropping a referenced table of a populated catalog fails.
            # The pragma only takes effect outside a transaction; it is checked after the run.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        _run(connection)
        if connection.dialect.name == "sqlite":
            problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise RuntimeError(f"the migration left broken references: {problems[:5]}")
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
    engine.dispose()


def _run(connection: object) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
