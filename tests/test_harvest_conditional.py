"""Conditional GET on re-runs: a DCAT catalog's pages (incremental runs), an LKOD catalog and its
dataset records, a LIDO file at a URL, each served by a local origin that answers 304 to
matching validators. An unchanged source is not parsed again and changes nothing; a changed
document is picked up; a full run still reads every page and archives what is gone."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from catalog.models import CollectionObject, Dataset
from catalog.rdf.contexts import CONTEXT_2021
from harvesters.models import HarvestSource, JobStatus
from harvesters.runner import RunReport, run_source
from tests.harvest_fixtures import (
    SETTINGS,
    Clock,
    add_agents,
    add_source,
    http,
    lido_wrap,
)
from tests.harvest_server import LocalServer, Versioned, serve
from tests.records import MUSEUM
from tests.test_harvest_dcat import lkod_dataset, paged


@pytest.fixture
def server() -> Iterator[LocalServer]:
    yield from serve()


def counts(report: RunReport) -> tuple[int, int, int, int, int]:
    c = report.counts
    return c.added, c.updated, c.unchanged, c.archived, c.errored


def snapshot(engine: Engine) -> list[tuple[Any, ...]]:
    """What a run could change in the catalog: every record with its last update and state."""
    with Session(engine) as session:
        return sorted([(d.slug, d.updated_at, d.state, d.title) for d in
                       session.exec(select(Dataset))] +
                      [(o.source_id, o.updated_at, o.state, o.title) for o in
                       session.exec(select(CollectionObject))], key=str)


# -- DCAT: pages answer 304 on incremental runs ---------------------------------------------

PAGES = {1: range(1, 3), 2: range(3, 5), 3: range(5, 6)}


def publish_pages(origin: Versioned, server: LocalServer, pages: dict[int, range]) -> None:
    for page, numbers in pages.items():
        key = "/catalog.ttl" + (f"?page={page}" if page > 1 else "")
        origin.put(key, paged(page, len(pages), numbers, server, "partial"))


def test_dcat_incremental_runs_ask_each_page_conditionally_and_full_runs_read_all(
        engine: Engine, server: LocalServer) -> None:
    origin = Versioned()
    publish_pages(origin, server, PAGES)
    server.route("/catalog.ttl", origin)
    add_agents(engine)
    add_source(engine, "jablonec", "dcat", server.url("/catalog.ttl"),
               publisher="liberecky-kraj")
    clock = Clock()

    def run(full: bool | None = None) -> RunReport:
        clock.advance(hours=1)
        return run_source(engine, "jablonec", http=http(), settings=SETTINGS, clock=clock,
                          full=full)

    first = run()
    assert first.full and counts(first) == (5, 0, 0, 0, 0)
    assert (origin.conditional, origin.served) == (0, 3)
    before = snapshot(engine)

    unchanged = run()  # incremental: every page answers 304, nothing is parsed
    assert unchanged.status is JobStatus.DONE and not unchanged.full
    assert counts(unchanged) == (0, 0, 5, 0, 0)
    assert (origin.conditional, origin.not_modified, origin.served) == (3, 3, 3)
    assert snapshot(engine) == before

    # One dataset of page 2 changes: only that page is read again, the others answer 304.
    origin.put("/catalog.ttl?page=2", paged(2, 3, PAGES[2], server, "partial").replace(
        "Kvalita ovzduší 4".encode(), "Kvalita ovzduší 4 (opraveno)".encode()))
    changed = run()
    assert counts(changed) == (0, 1, 4, 0, 0)
    assert (origin.not_modified, origin.served) == (5, 4)
    with Session(engine) as session:
        titles = sorted(d.title["cs"] for d in session.exec(select(Dataset)))
    assert "Kvalita ovzduší 4 (opraveno)" in titles

    # Dataset 5 is gone: an incremental run never archives; a full run reads every page
    # without validators and archives it after the grace period.
    publish_pages(origin, server, {1: PAGES[1], 2: range(3, 5)})
    assert not run().counts.archived
    conditional = origin.conditional
    run(full=True)
    clock.advance(days=8)
    archiving = run(full=True)
    assert origin.conditional == conditional  # full runs sent no validators
    assert archiving.counts.archived == 1 and archiving.counts.unchanged == 4


def test_dcat_modified_since_option_is_refused_unless_true_or_false(engine: Engine) -> None:
    from catalog.errors import ValidationError

    add_agents(engine)
    with pytest.raises(ValidationError, match="modified_since takes true or false"):
        add_source(engine, "x", "dcat", "https://data.example.test/catalog.ttl",
                   publisher="liberecky-kraj", options={"modified_since": "yes"})


# -- LKOD: the catalog file and each dataset document ---------------------------------------

def lkod_origin(server: LocalServer) -> Versioned:
    """An LKOD catalog file listing two dataset records, all served with validators."""
    origin = Versioned(content_type="application/ld+json")
    first, second = server.url("/lkod/1"), server.url("/lkod/2")
    origin.put("/katalog.jsonld", json.dumps({
        "@context": CONTEXT_2021, "iri": server.url("/katalog.jsonld"), "typ": "Katalog",
        "název": {"cs": "Katalog"}, "datová_sada": [first, second],
        "poskytovatel": "https://rpp-opendata.egon.gov.cz/odrpp/zdroj/orgán-veřejné-moci/1",
    }).encode())
    for path, iri, title in (("/lkod/1", first, "Zastávky"), ("/lkod/2", second, "Jízdní")):
        origin.put(path, json.dumps(lkod_dataset(iri, CONTEXT_2021, title)).encode())
    for path in ("/katalog.jsonld", "/lkod/1", "/lkod/2"):
        server.route(path, origin)
    return origin


def test_lkod_records_answering_304_count_unchanged_without_parsing(
        engine: Engine, server: LocalServer) -> None:
    origin = lkod_origin(server)
    first, second = server.url("/lkod/1"), server.url("/lkod/2")
    add_agents(engine)
    add_source(engine, "lkod", "lkod", server.url("/katalog.jsonld"), publisher="liberecky-kraj")

    def run() -> RunReport:
        return run_source(engine, "lkod", http=http(), settings=SETTINGS, clock=Clock())

    assert counts(run()) == (2, 0, 0, 0, 0)
    before = snapshot(engine)
    again = run()  # the catalog file and both records answer 304: nothing is parsed
    assert again.status is JobStatus.DONE and counts(again) == (0, 0, 2, 0, 0)
    assert (origin.conditional, origin.not_modified, origin.served) == (3, 3, 3)
    assert snapshot(engine) == before
    with Session(engine) as session:
        [source] = session.exec(select(HarvestSource))
        assert set(source.validators) == {server.url("/katalog.jsonld"), first, second}

    origin.put("/lkod/2", json.dumps(lkod_dataset(second, CONTEXT_2021, "Jízdní 2027"))
               .encode())
    changed = run()
    assert (origin.not_modified, origin.served) == (5, 4)  # catalog and record 1: 304
    assert counts(changed) == (0, 1, 1, 0, 0)
    with Session(engine) as session:
        assert any(d.title["cs"] == "Jízdní 2027" for d in session.exec(select(Dataset)))


def test_lkod_records_that_failed_are_read_again_though_unchanged(
        engine: Engine, server: LocalServer) -> None:
    origin = lkod_origin(server)
    add_agents(engine)
    add_source(engine, "lkod", "lkod", server.url("/katalog.jsonld"))  # no fallback publisher

    def run() -> RunReport:
        return run_source(engine, "lkod", http=http(), settings=SETTINGS, clock=Clock())

    assert counts(run()) == (0, 0, 0, 0, 2)  # the records name no publisher the catalog has
    again = run()
    assert counts(again) == (0, 0, 0, 0, 2)
    [error] = [i for i in again.issues if i.kind == "error"]
    assert "publisher" in error.message  # read and mapped again, not "answered 304"
    assert (origin.not_modified, origin.served) == (1, 5)  # only the catalog file: 304


# -- LIDO at a URL: Last-Modified only (If-Modified-Since) ----------------------------------

def test_an_unchanged_lido_file_is_not_read_again_and_full_runs_still_archive(
        engine: Engine, server: LocalServer) -> None:
    origin = Versioned(content_type="application/xml", etags=False)
    origin.put("/export.xml", lido_wrap(range(1, 5)))
    server.route("/export.xml", origin)
    add_agents(engine)
    add_source(engine, "web", "lido", server.url("/export.xml"), publisher=MUSEUM["slug"])
    clock = Clock()

    def run() -> RunReport:
        clock.advance(hours=1)
        return run_source(engine, "web", http=http(), settings=SETTINGS, clock=clock)

    assert counts(run()) == (4, 0, 0, 0, 0)
    before = snapshot(engine)
    again = run()
    assert again.status is JobStatus.DONE and counts(again) == (0, 0, 4, 0, 0)
    assert (origin.conditional, origin.not_modified, origin.served) == (1, 1, 1)
    assert snapshot(engine) == before

    origin.put("/export.xml", lido_wrap(range(1, 4)))  # record 4 is withdrawn
    assert counts(run()) == (0, 0, 3, 0, 0)  # its grace period starts
    clock.advance(days=8)
    unchanged = run()  # 304, yet the record missing for 8 days is archived as a read would
    assert origin.not_modified == 2
    assert counts(unchanged) == (0, 0, 3, 1, 0)
