"""Fixtures: settings, a migrated database on SQLite and (when configured) PostgreSQL, the real
embedded search index, the app, its client and CLI runner, and a demo-loaded app."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

import captive_portal.models  # noqa: F401
import captive_portal.search  # noqa: F401  (registers the Wi-Fi locations with the indexer)
import catalog.accounts.models  # noqa: F401
import catalog.aliases  # noqa: F401
import catalog.editor.models  # noqa: F401
import catalog.editorial.models  # noqa: F401
import catalog.models  # noqa: F401
import catalog.museum.models  # noqa: F401
import catalog.notifications.models  # noqa: F401
import catalog.popularity  # noqa: F401
import catalog.quality.models  # noqa: F401
import catalog.tokens.models  # noqa: F401
import harvesters.models  # noqa: F401
from catalog.db import make_engine
from catalog.search.tantivy_index import TantivyIndex
from portal import migrate
from portal.app import create_app
from portal.config import Settings

BASE_URL = "https://data.example-kraj.test"
PG_VARIABLE = "PORTAL_TEST_DATABASE_URL"
IN_CI = os.environ.get("CI", "").lower() == "true"
# ../shared beside the checkout (CI); PORTAL_TEST_SHARED points elsewhere (a git worktree).
SHARED_DIR = Path(os.environ.get("PORTAL_TEST_SHARED")
                  or Path(__file__).parents[1].parent / "shared")


def pytest_report_header() -> str:
    url = os.environ.get(PG_VARIABLE)
    return f"PostgreSQL tests: {'on ' + url if url else 'off (set ' + PG_VARIABLE + ')'}"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (migrating once is much faster)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    migrate.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_url(worker_id: str) -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for this test worker."""
    admin_url = os.environ.get(PG_VARIABLE)
    if not admin_url:
        message = (f"PostgreSQL tests need {PG_VARIABLE}, e.g. "
                   "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
        if IN_CI:
            pytest.fail(message + " (required in CI)")
        pytest.skip(message)
    name = f"portal_test_{worker_id}_{os.getpid()}"  # unique per run: checkouts share one server
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # a configured but unreachable server is a failure, not a skip
        pytest.fail(f"PostgreSQL at {admin_url} is not usable: {exc}")
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    migrate.upgrade(url)
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def worker_id(request: pytest.FixtureRequest) -> str:
    config = request.config
    return getattr(config, "workerinput", {}).get("workerid", "main")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    """A migrated, empty catalog database: SQLite, then PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "portal.sqlite3"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("postgres_url")
    engine = create_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_engine(tmp_path: Path, sqlite_template: Path) -> Iterator[Engine]:
    """A migrated SQLite catalog, for tests that are not about persistence."""
    path = tmp_path / "portal.sqlite3"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


@pytest.fixture
def index(tmp_path: Path) -> TantivyIndex:
    return TantivyIndex(tmp_path / "search-index")


def make_settings(instance: Path, **env: str) -> Settings:
    return Settings.from_env({
        "PORTAL_INSTANCE_PATH": str(instance),
        "PORTAL_BASE_URL": BASE_URL,
        "PORTAL_SECRET_KEY": "test-secret-key-that-is-long-enough-000",
        # Suites drive the APIs hard from one address; the limit tests set their own.
        "PORTAL_API_RATE_LIMIT": "1000000/minute",
        **env,
    })


def app_on_copy(instance: Path, sqlite_template: Path, **env: str) -> Flask:
    """An app whose ``instance`` folder (created) holds a copy of the migrated template."""
    instance.mkdir()
    shutil.copy(sqlite_template, instance / "portal.sqlite3")
    return create_app(make_settings(instance, **env))


@pytest.fixture
def app(tmp_path: Path, sqlite_template: Path) -> Flask:
    """An app on an empty, migrated SQLite catalog."""
    return app_on_copy(tmp_path / "instance", sqlite_template)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture(scope="session")
def demo_app(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Flask:
    """An app with the demo catalog loaded through the CLI, shared by read-only tests."""
    app = app_on_copy(tmp_path_factory.mktemp("demo") / "instance", sqlite_template)
    from portal.cli import demo_load

    result = app.test_cli_runner().invoke(demo_load)
    assert result.exit_code == 0, result.output
    return app


@pytest.fixture
def demo_client(demo_app: Flask) -> FlaskClient:
    return demo_app.test_client()


@pytest.fixture(scope="session")
def lido_schema(tmp_path_factory: pytest.TempPathFactory) -> object:
    """The official LIDO 1.1 XSD from ../shared/museum (with its imports, offline)."""
    from tests.museum_files import load_schema, unpack

    folder = unpack("lido-schema-bundle.tar.gz", tmp_path_factory.mktemp("lido-xsd"))
    return load_schema(folder / "lido-schema" / "lido-v1.1.xsd")


@pytest.fixture(scope="session")
def edm_schema(tmp_path_factory: pytest.TempPathFactory) -> object:
    """Europeana's EDM XSD (metis-schema) from ../shared/museum."""
    from tests.museum_files import load_schema, unpack

    folder = unpack("edm-xsd-bundle.tar.gz", tmp_path_factory.mktemp("edm-xsd"))
    return load_schema(folder / "edm-xsd" / "EDM.xsd")
# Browser-test fixtures (live demo server, Chromium, request guard) for every test module.
from tests.browser import axe_source, browser_page, chromium, live_server  # noqa: E402, F401


def published_dataset_count(app: Flask) -> int:
    """How many datasets the app's catalog publishes (the demo grows as features add some)."""
    from sqlmodel import Session

    from catalog.queries import published_counts
    from portal.state import state

    with Session(state(app).engine) as session:
        return published_counts(session)["datasets"]
