"""Round trip: the demo portal, served over real HTTP, is harvested through its own
/catalog.ttl (Hydra pages), /katalog.jsonld (LKOD) and /oai (LIDO) into a second, empty
catalog, and the records compare equal field by field."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Engine, update
from sqlmodel import Session, select
from werkzeug.serving import make_server

from catalog.db import transaction
from catalog.models import CollectionObject, Dataset, Distribution, RecordState, utcnow
from harvesters.models import JobStatus
from harvesters.runner import run_source
from portal import migrate
from portal.app import create_app
from portal.cli import demo_load
from tests.conftest import make_settings
from tests.harvest_fixtures import SETTINGS, Clock, add_agents, add_source, http


class _Holder:
    app: Flask | None = None

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        assert self.app is not None
        return self.app(environ, start_response)


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Engine]]:
    """The demo portal on a real port, its IRIs minted from that address (dereferenceable)."""
    holder = _Holder()
    server = make_server("127.0.0.1", 0, holder, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    instance = tmp_path_factory.mktemp("roundtrip") / "instance"
    instance.mkdir()
    migrate.upgrade(f"sqlite:///{instance / 'portal.sqlite3'}")
    app = create_app(make_settings(instance, PORTAL_BASE_URL=base))
    result = app.test_cli_runner().invoke(demo_load)
    assert result.exit_code == 0, result.output
    holder.app = app
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base, app.extensions["portal"].engine
    server.shutdown()


def _dataset_fields(session: Session, dataset: Dataset) -> dict[str, Any]:
    distributions = session.exec(select(Distribution).where(
        Distribution.dataset_id == dataset.id).order_by(Distribution.position)).all()
    return {
        "title": dataset.title, "description": dataset.description,
        "keywords": {k: sorted(v) for k, v in dataset.keywords.items()},
        "themes": sorted(dataset.themes), "spatial": sorted(dataset.spatial),
        "frequency": dataset.frequency, "landing_page": dataset.landing_page,
        "issued": dataset.issued, "modified": dataset.modified,
        "temporal": (dataset.temporal_start, dataset.temporal_end),
        "distributions": sorted((d.access_url, d.download_url, d.format, d.media_type,
                                 d.terms_personal_data) for d in distributions),
    }


def _published(engine: Engine) -> dict[str, dict[str, Any]]:
    with Session(engine) as session:
        return {d.iri: _dataset_fields(session, d) for d in session.exec(
            select(Dataset).where(Dataset.state == RecordState.PUBLISHED))}


def _harvested(engine: Engine) -> dict[str, dict[str, Any]]:
    """Harvested datasets keyed by the source IRI they keep as an identifier."""
    with Session(engine) as session:
        found = {}
        for dataset in session.exec(select(Dataset)):
            source_iri = next(i for i in dataset.identifiers if i.startswith("http://127."))
            found[source_iri] = _dataset_fields(session, dataset)
        return found


@pytest.mark.parametrize("kind, path", [("dcat", "/catalog.ttl"),
                                        ("lkod", "/katalog.jsonld")])
def test_our_own_catalog_harvests_into_an_empty_one_unchanged(
        portal: tuple[str, Engine], sqlite_engine: Engine, kind: str, path: str) -> None:
    base, source = portal
    add_agents(sqlite_engine)
    add_source(sqlite_engine, "self", kind, base + path, publisher="liberecky-kraj")
    report = run_source(sqlite_engine, "self", http=http(), settings=SETTINGS, clock=Clock())
    assert report.status is JobStatus.DONE, report.error or report.issues
    expected = _published(source)
    assert report.counts.added == len(expected) > 0
    assert _harvested(sqlite_engine) == expected


def test_our_own_oai_pmh_harvests_into_an_empty_register(portal: tuple[str, Engine],
                                                         sqlite_engine: Engine) -> None:
    base, source = portal
    add_agents(sqlite_engine)
    add_source(sqlite_engine, "self-oai", "oai-pmh", base + "/oai",
               publisher="severoceske-muzeum", metadata_prefix="lido")
    report = run_source(sqlite_engine, "self-oai", http=http(), settings=SETTINGS,
                        clock=Clock())
    assert report.status is JobStatus.DONE, report.error or report.issues

    def fields(engine: Engine) -> list[tuple[Any, ...]]:
        with Session(engine) as session:
            return sorted((o.inventory_number, o.title.get("cs"), o.object_type,
                           sorted(o.materials), o.earliest_year, o.latest_year)
                          for o in session.exec(select(CollectionObject).where(
                              CollectionObject.state == RecordState.PUBLISHED)))

    assert report.counts.added > 0
    assert fields(sqlite_engine) == fields(source)


def test_our_own_catalog_is_harvested_incrementally_with_modified_since(
        portal: tuple[str, Engine], sqlite_engine: Engine) -> None:
    """--option modified_since=true: an incremental run asks /catalog.ttl?modified_since=<last
    run start - 5 min>, reads only what changed since, and archives nothing it did not see."""
    base, source = portal
    with transaction(source) as session:  # the demo's datasets were last changed long ago
        session.execute(update(Dataset).values(updated_at=datetime(2026, 1, 1)))
    add_agents(sqlite_engine)
    add_source(sqlite_engine, "self-since", "dcat", base + "/catalog.ttl",
               publisher="liberecky-kraj", options={"modified_since": "true"})
    first = run_source(sqlite_engine, "self-since", http=http(), settings=SETTINGS)
    assert first.full and first.status is JobStatus.DONE and first.counts.added > 1
    with transaction(source) as session:  # a curator edits one dataset
        dataset = session.exec(select(Dataset).where(
            Dataset.state == RecordState.PUBLISHED).order_by(Dataset.id)).first()
        assert dataset is not None
        dataset.title = {**dataset.title, "cs": "Upraveno po první sklizni"}
        dataset.updated_at = utcnow()
        edited = dataset.iri
    client = http()
    sent: list[str] = []
    client.session.hooks["response"].append(lambda r, *a, **k: sent.append(r.url))
    again = run_source(sqlite_engine, "self-since", http=client, settings=SETTINGS)
    assert not again.full and again.status is JobStatus.DONE
    assert "modified_since=" in sent[0]
    assert (again.counts.updated, again.counts.seen, again.counts.archived) == (1, 1, 0)
    assert _harvested(sqlite_engine)[edited]["title"]["cs"] == "Upraveno po první sklizni"
