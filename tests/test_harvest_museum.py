"""Museum sources: OAI-PMH (through Sickle) and LIDO files served locally, with resumption
tokens, incremental runs, deleted records, an expiring token, truncated XML and bombs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import Engine
from sqlmodel import Session, select

from catalog.models import Agent, CollectionObject, RecordState
from harvesters.models import JobStatus, RecordKind
from harvesters.runner import run_source
from harvesters.sources.base import Failed, Harvested
from harvesters.sources.edm import edm_item
from tests.harvest_fixtures import (
    SETTINGS,
    Clock,
    OaiRepository,
    add_agents,
    add_source,
    http,
    lido_wrap,
)
from tests.harvest_server import LocalServer, Reply, serve

MUSEUM = "severoceske-muzeum"


@pytest.fixture
def server() -> Iterator[LocalServer]:
    yield from serve()


@pytest.fixture
def oai(engine: Engine, server: LocalServer) -> OaiRepository:
    repository = OaiRepository({n: f"2026-10-{n:02d}" for n in range(1, 6)})
    server.route("/oai", repository)
    add_agents(engine)
    add_source(engine, "muzeum", "oai-pmh", server.url("/oai"), publisher=MUSEUM,
               metadata_prefix="lido", set_spec="sklo")
    return repository


def run(engine: Engine, name: str = "muzeum", **kwargs: object):  # type: ignore[no-untyped-def]
    return run_source(engine, name, http=http(), settings=SETTINGS, clock=Clock(),
                      **kwargs)  # type: ignore[arg-type]


def objects(engine: Engine) -> dict[str, CollectionObject]:
    with Session(engine) as session:
        return {o.inventory_number: o for o in session.exec(select(CollectionObject))}


def test_oai_pmh_lido_records_are_harvested_across_resumption_tokens(
        engine: Engine, oai: OaiRepository) -> None:
    report = run(engine)
    assert report.status is JobStatus.DONE and report.counts.added == 5
    assert len(oai.queries) == 3  # 2 + 2 + 1 records
    assert oai.queries[0] == {"verb": ["ListRecords"], "metadataPrefix": ["lido"],
                              "set": ["sklo"]}
    stored = objects(engine)
    assert sorted(stored) == [f"S {n}" for n in range(1, 6)]
    first = stored["S 1"]
    assert first.title == {"cs": "Broušená číše č. 1"}
    assert first.object_type == "číše" and first.state == RecordState.PUBLISHED
    with Session(engine) as session:
        assert session.get(Agent, first.institution_id).slug == MUSEUM  # type: ignore[union-attr]


def test_an_incremental_run_asks_from_the_last_datestamp_and_archives_deletions(
        engine: Engine, oai: OaiRepository) -> None:
    run(engine)
    oai.records[2] = "2026-11-20"
    oai.deleted.add(2)
    oai.records[6] = "2026-11-21"
    report = run(engine, full=False)
    assert oai.queries[3]["from"] == ["2026-10-05"]
    assert (report.counts.added, report.counts.archived) == (1, 1)
    assert objects(engine)["S 2"].state == RecordState.ARCHIVED
    again = run(engine, full=False)
    assert oai.queries[-1]["from"] == ["2026-11-21"]
    assert again.counts.added == 0 and again.status is JobStatus.DONE


def test_nothing_new_since_the_last_run_is_not_an_error(engine: Engine,
                                                        oai: OaiRepository) -> None:
    run(engine)
    for n in oai.records:
        oai.records[n] = "2026-10-01"
    report = run(engine, full=False)  # from=2026-10-05: noRecordsMatch
    assert report.status is JobStatus.DONE and report.counts.seen == 0


def test_an_expired_resumption_token_fails_the_job_and_keeps_everything(
        engine: Engine, oai: OaiRepository) -> None:
    run(engine)
    before = {k: o.updated_at for k, o in objects(engine).items()}
    oai.expire_tokens = True
    report = run(engine, full=True)
    assert report.status is JobStatus.FAILED
    assert "resumption token (expired?)" in (report.error or "")
    assert {k: o.updated_at for k, o in objects(engine).items()} == before
    assert all(o.state == RecordState.PUBLISHED for o in objects(engine).values())


def test_a_truncated_page_is_an_error_not_a_short_page(engine: Engine, oai: OaiRepository,
                                                       server: LocalServer) -> None:
    def truncated(request):  # type: ignore[no-untyped-def]
        body = oai(request).body
        assert isinstance(body, bytes)
        return Reply(body[: len(body) // 2], headers={"Content-Type": "text/xml"})

    server.route("/oai", truncated)
    report = run(engine)
    assert report.status is JobStatus.FAILED and "malformed XML" in (report.error or "")
    assert objects(engine) == {}


def test_an_unsupported_metadata_prefix_names_the_protocol_error(
        engine: Engine, oai: OaiRepository, server: LocalServer) -> None:
    add_source(engine, "muzeum-edm", "oai-pmh", server.url("/oai"), publisher=MUSEUM,
               metadata_prefix="edm")
    report = run(engine, "muzeum-edm")
    assert report.status is JobStatus.FAILED
    assert "answered cannotDisseminateFormat" in (report.error or "")


def test_invalid_records_are_grouped_errors(engine: Engine, oai: OaiRepository,
                                            server: LocalServer) -> None:
    def untitled(request):  # type: ignore[no-untyped-def]
        reply = oai(request)
        assert isinstance(reply.body, bytes)
        reply.body = reply.body.replace("Broušená číše č. 3".encode(), b"").replace(
            "Broušená číše č. 4".encode(), b"")
        return reply

    server.route("/oai", untitled)
    report = run(engine)
    assert report.status is JobStatus.DONE_WITH_ERRORS
    assert (report.counts.added, report.counts.errored) == (3, 2)
    [error] = [i for i in report.issues if i.kind == "error"]
    assert error.count == 2 and error.message.startswith("titleSet/appellationValue")


# -- LIDO files -----------------------------------------------------------------------------

def test_a_lido_wrap_file_is_streamed_from_a_path(engine: Engine, tmp_path: Path) -> None:
    add_agents(engine)
    path = tmp_path / "export.xml"
    path.write_bytes(lido_wrap(range(1, 4)))
    add_source(engine, "soubor", "lido", str(path), publisher=MUSEUM)
    report = run(engine, "soubor")
    assert report.status is JobStatus.DONE and report.counts.added == 3
    assert sorted(objects(engine)) == ["S 1", "S 2", "S 3"]


@pytest.mark.parametrize("body, message", [
    (lido_wrap(range(1, 4))[:-200], "truncated or malformed"),
    (b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>',
     "root element is not"),
    (b'<!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
     b'<lido:lidoWrap xmlns:lido="http://www.lido-schema.org">&b;</lido:lidoWrap>', "entities"),
])
def test_a_bad_lido_file_fails_the_job_and_keeps_what_was_stored(
        engine: Engine, server: LocalServer, body: bytes, message: str) -> None:
    add_agents(engine)
    add_source(engine, "web", "lido", server.url("/export.xml"), publisher=MUSEUM)
    server.route("/export.xml", Reply(lido_wrap(range(1, 4))))
    run(engine, "web")
    server.route("/export.xml", Reply(body, headers={"Content-Type": "application/xml"}))
    report = run(engine, "web", full=True)
    assert report.status is JobStatus.FAILED and message in (report.error or "")
    assert len(objects(engine)) == 3


# -- EDM ------------------------------------------------------------------------------------

EDM_RECORD = """<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"
    xmlns:edm="http://www.europeana.eu/schemas/edm/" xmlns:ore="http://www.openarchives.org/ore/terms/">
  <edm:ProvidedCHO rdf:about="https://muzeum-liberec.test/objekt/S-7">
    <dc:title xml:lang="cs">Mísa s rytým dekorem</dc:title>
    <dc:title xml:lang="en">Bowl with engraved decoration</dc:title>
    <dc:description xml:lang="cs">Mísa z olovnatého skla.</dc:description>
    <dc:creator>Sklárna Harrachov</dc:creator>
    <dc:identifier>S 7</dc:identifier>
    <dc:type xml:lang="cs">mísa</dc:type>
    <dcterms:created>1920</dcterms:created>
    <dcterms:medium xml:lang="cs">sklo</dcterms:medium>
    <edm:type>IMAGE</edm:type>
  </edm:ProvidedCHO>
  <ore:Aggregation rdf:about="https://muzeum-liberec.test/objekt/S-7#aggregation">
    <edm:aggregatedCHO rdf:resource="https://muzeum-liberec.test/objekt/S-7"/>
    <edm:dataProvider>Severočeské muzeum v Liberci</edm:dataProvider>
    <edm:isShownAt rdf:resource="https://muzeum-liberec.test/objekt/S-7"/>
    <edm:isShownBy rdf:resource="https://muzeum-liberec.test/media/S-7.jpg"/>
    <edm:provider>eSbírky</edm:provider>
    <edm:rights rdf:resource="https://creativecommons.org/publicdomain/zero/1.0/deed.cs"/>
  </ore:Aggregation>
</rdf:RDF>""".encode()


def test_an_edm_record_is_mapped_to_an_object() -> None:
    item = edm_item(etree.fromstring(EDM_RECORD), institution=MUSEUM, remote_id="oai:x:7")
    assert isinstance(item, Harvested) and item.kind is RecordKind.OBJECT
    data = item.data
    assert data["title"] == {"cs": "Mísa s rytým dekorem", "en": "Bowl with engraved decoration"}
    assert (data["inventory_number"], data["object_type"], data["materials"]) == (
        "S 7", "mísa", ["sklo"])
    assert data["production"] == {"maker": "Sklárna Harrachov", "date": "1920"}
    assert data["rights"] == "http://creativecommons.org/publicdomain/zero/1.0/"
    assert data["images"][0]["url"] == "https://muzeum-liberec.test/media/S-7.jpg"
    untitled = EDM_RECORD.replace(b"dc:title", b"dcterms:alternative")
    failed = edm_item(etree.fromstring(untitled), institution=MUSEUM, remote_id="oai:x:8")
    assert isinstance(failed, Failed) and "without a title" in failed.message
