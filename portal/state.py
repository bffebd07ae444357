"""Per-app state (engine, search index, settings) kept in ``app.extensions`` and the request's
database session."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, g
from sqlalchemy import Engine
from sqlmodel import Session

import captive_portal.search  # noqa: F401  (registers the Wi-Fi locations with the indexer)
from catalog.db import make_engine
from catalog.search.analysis import Synonyms
from catalog.search.base import SearchIndex
from catalog.search.indexer import DerivedStore, drain_outbox
from catalog.search.locks import FileLock, PostgresAdvisoryLock
from catalog.search.meili import MeilisearchIndex
from catalog.search.tantivy_index import TantivyIndex
from catalog.sparql_store import SparqlStore
from portal.config import Settings

KEY = "portal"


@dataclass
class PortalState:
    settings: Settings
    engine: Engine
    search: SearchIndex
    sparql: SparqlStore

    @property
    def derived(self) -> tuple[DerivedStore, ...]:
        """The stores besides the search index that the outbox feeds."""
        return (self.sparql,)

    def drain(self, *, wait: bool = False) -> int:
        """Apply the outbox to the search index and every derived store."""
        return drain_outbox(self.engine, self.search, wait=wait, derived=self.derived)


def build_state(settings: Settings) -> PortalState:
    """Engines and clients for ``settings``; cheap, nothing is connected yet."""
    engine = make_engine(settings.database_url)
    return PortalState(settings=settings, engine=engine, search=build_search(settings, engine),
                       sparql=SparqlStore(settings.sparql_path, base_url=settings.base_url))


def build_search(settings: Settings, engine: Engine) -> SearchIndex:
    """The configured search backend. Meilisearch's writer role is a PostgreSQL advisory lock
    when the catalog is on PostgreSQL (several hosts), else a lock file in the instance."""
    synonyms = Synonyms.load(settings.search_synonyms) if settings.search_synonyms \
        else Synonyms.load()
    if settings.search_backend == "meilisearch":
        lock: PostgresAdvisoryLock | FileLock
        if engine.dialect.name == "postgresql":
            lock = PostgresAdvisoryLock(engine, f"portal-search-writer:{settings.meili_index}")
        else:
            lock = FileLock(settings.instance_path / "search-writer.lock")
        return MeilisearchIndex(settings.meili_url or "", settings.meili_api_key,
                                settings.meili_index, lock, synonyms=synonyms)
    return TantivyIndex(settings.search_path, synonyms=synonyms)


def state(app: Flask | None = None) -> PortalState:
    found: PortalState = (app or current_app).extensions[KEY]
    return found


def db_session() -> Session:
    """The request's database session, opened on first use and closed at teardown."""
    if "db_session" not in g:
        g.db_session = Session(state().engine, expire_on_commit=False)
    session: Session = g.db_session
    return session


def close_session(_exc: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
