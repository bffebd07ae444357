"""DCAT RDF with Hydra paging and LKOD (both JSON-LD contexts) harvested from a local server,
with their failure modes: HTML instead of RDF, truncated Turtle, an RDF/XML bomb, a remote
@context, a next-page loop, a page over the size cap."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from catalog.models import DataService, Dataset
from catalog.queries import dataset_view
from catalog.rdf.contexts import CONTEXT_2021, CONTEXT_2024
from harvesters.http import HttpClient, HttpPolicy
from harvesters.models import JobStatus
from harvesters.runner import run_source
from tests.harvest_fixtures import SETTINGS, Clock, add_agents, add_source, http
from tests.harvest_server import LocalServer, Reply, serve
from tests.test_harvest_dcat_us import ITEM, data_json, hub_dataset

TURTLE = {"Content-Type": "text/turtle; charset=utf-8"}
THEME = "http://publications.europa.eu/resource/authority/data-theme/"
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
PREFIXES = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
@prefix hydra: <http://www.w3.org/ns/hydra/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def turtle_dataset(n: int, base: str = "https://data.jablonec.test") -> str:
    return f"""
<{base}/dataset/ovzdusi-{n}> a dcat:Dataset ;
  dct:title "Kvalita ovzduší {n}"@cs, "Air quality {n}"@en ;
  dct:description "Měření kvality ovzduší, stanice {n}."@cs ;
  dcat:keyword "ovzduší"@cs, "air"@en ;
  dcat:theme <{THEME}ENVI>, <http://eurovoc.europa.eu/2470> ;
  dct:spatial <https://linked.cuzk.cz/resource/ruian/obec/563510> ;
  dct:accrualPeriodicity <http://publications.europa.eu/resource/authority/frequency/DAILY> ;
  dct:issued "2024-02-01"^^xsd:date ;
  dct:publisher <{base}/publisher> ;
  dcat:contactPoint [ a vcard:Organization ; vcard:fn "Odbor životního prostředí" ;
                      vcard:hasEmail <mailto:ovzdusi@jablonec.test> ] ;
  dcat:distribution <{base}/dataset/ovzdusi-{n}/csv> .
<{base}/dataset/ovzdusi-{n}/csv> a dcat:Distribution ;
  dcat:accessURL <{base}/files/ovzdusi-{n}.csv> ;
  dcat:downloadURL <{base}/files/ovzdusi-{n}.csv> ;
  dct:format <{FILE_TYPE}CSV> ;
  dcat:mediaType <http://www.iana.org/assignments/media-types/text/csv> ;
  dct:license <http://publications.europa.eu/resource/authority/licence/CC_BY_4_0> .
"""


PUBLISHER = """
<https://data.jablonec.test/publisher> a foaf:Agent ;
  foaf:name "Statutární město Jablonec nad Nisou"@cs .
"""


def paged(page: int, pages: int, numbers: range, server: LocalServer, style: str) -> bytes:
    node = server.url(f"/catalog.ttl?page={page}")
    if style == "paged":  # ckanext-dcat: hydra:PagedCollection + hydra:nextPage
        paging = f"<{node}> a hydra:PagedCollection ; hydra:totalItems 5 ; hydra:itemsPerPage 2"
        if page < pages:
            paging += f' ; hydra:nextPage "{server.url(f"/catalog.ttl?page={page + 1}")}"'
    else:  # udata and ours: hydra:PartialCollectionView + hydra:next
        paging = f"<{node}> a hydra:PartialCollectionView"
        if page < pages:
            paging += f" ; hydra:next <?page={page + 1}>"
    body = PREFIXES + paging + " .\n" + PUBLISHER + "".join(turtle_dataset(n) for n in numbers)
    return body.encode()


@pytest.fixture
def server() -> Iterator[LocalServer]:
    yield from serve()


@pytest.fixture
def dcat(engine: Engine, server: LocalServer) -> LocalServer:
    add_agents(engine)
    add_source(engine, "jablonec", "dcat", server.url("/catalog.ttl"),
               publisher="liberecky-kraj")
    return server


def serve_pages(server: LocalServer, style: str) -> None:
    pages = {1: range(1, 3), 2: range(3, 5), 3: range(5, 6)}

    def handler(request):  # type: ignore[no-untyped-def]
        page = int(request.query.get("page", ["1"])[0])
        return Reply(paged(page, 3, pages[page], server, style), headers=TURTLE)

    server.route("/catalog.ttl", handler)


def run(engine: Engine, name: str = "jablonec", client: HttpClient | None = None):  # type: ignore[no-untyped-def]
    return run_source(engine, name, http=client or http(), settings=SETTINGS, clock=Clock())


def stored(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return sorted(d.slug for d in session.exec(select(Dataset)))


@pytest.mark.parametrize("style", ["paged", "partial"])
def test_hydra_pages_of_both_styles_are_followed(engine: Engine, dcat: LocalServer,
                                                 style: str) -> None:
    serve_pages(dcat, style)
    report = run(engine)
    assert report.status is JobStatus.DONE and report.counts.added == 5
    assert dcat.hits("/catalog.ttl") == 3
    assert stored(engine) == [f"ovzdusi-{n}" for n in range(1, 6)]


def test_a_dcat_dataset_is_mapped(engine: Engine, dcat: LocalServer) -> None:
    serve_pages(dcat, "partial")
    run(engine)
    with Session(engine) as session:
        view = dataset_view(session, "ovzdusi-1")
    dataset = view.dataset
    assert dataset.title == {"cs": "Kvalita ovzduší 1", "en": "Air quality 1"}
    assert dataset.keywords == {"cs": ["ovzduší"], "en": ["air"]}
    assert dataset.themes == [THEME + "ENVI"]
    assert dataset.concepts == ["http://eurovoc.europa.eu/2470"]
    assert dataset.spatial == ["https://linked.cuzk.cz/resource/ruian/obec/563510"]
    assert dataset.identifiers == ["https://data.jablonec.test/dataset/ovzdusi-1"]
    assert view.publisher.name == {"cs": "Statutární město Jablonec nad Nisou"}
    assert view.contact is not None and view.contact.email == "ovzdusi@jablonec.test"
    [csv] = view.distributions
    assert (csv.format, csv.media_type) == (FILE_TYPE + "CSV", "text/csv")


SERVED = """
<https://data.jablonec.test/dataset/ovzdusi-1/csv> dcat:accessService
  <https://data.jablonec.test/api> .
<https://data.jablonec.test/api> a dcat:DataService ; dct:title "Měřicí API"@cs ;
  dcat:endpointURL <https://data.jablonec.test/api/v1> .
"""


def test_a_page_with_a_data_service_is_stored_with_the_others(engine: Engine,
                                                               dcat: LocalServer) -> None:
    # A dataset whose distribution names its data service is created one by one, among
    # datasets created in bulk: all with their distributions and contact points.
    dcat.route("/catalog.ttl", Reply((PREFIXES + PUBLISHER + "".join(
        turtle_dataset(n) for n in range(1, 4)) + SERVED).encode(), headers=TURTLE))
    report = run(engine)
    assert (report.counts.added, report.counts.errored) == (3, 0)
    with Session(engine) as session:
        views = [dataset_view(session, f"ovzdusi-{n}") for n in range(1, 4)]
        service = session.exec(select(DataService)).one()
    assert [len(view.distributions) for view in views] == [1, 1, 1]
    assert views[0].distributions[0].access_service_id == service.id
    assert service.endpoint_url == "https://data.jablonec.test/api/v1"
    assert all(view.distributions[0].access_service_id is None for view in views[1:])
    assert all(view.contact and view.contact.email == "ovzdusi@jablonec.test" for view in views)
    assert len({view.distributions[0].iri for view in views}) == 3
    assert all(view.distributions[0].iri.endswith(f"/distributions/{view.distributions[0].id}")
               for view in views)


RDF_XML = """<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:dcat="http://www.w3.org/ns/dcat#" xmlns:dct="http://purl.org/dc/terms/"
         xmlns:foaf="http://xmlns.com/foaf/0.1/">
  <dcat:Dataset rdf:about="https://data.jablonec.test/dataset/hluk">
    <dct:title xml:lang="cs">Hluková mapa</dct:title>
    <dct:description xml:lang="cs">Strategická hluková mapa města.</dct:description>
    <dct:publisher>
      <foaf:Agent rdf:about="https://data.jablonec.test/publisher">
        <foaf:name xml:lang="cs">Statutární město Jablonec nad Nisou</foaf:name>
      </foaf:Agent>
    </dct:publisher>
  </dcat:Dataset>
</rdf:RDF>"""


def test_rdf_xml_is_read(engine: Engine, dcat: LocalServer) -> None:
    dcat.route("/catalog.ttl", Reply(RDF_XML.encode(),
                                     headers={"Content-Type": "application/rdf+xml"}))
    report = run(engine)
    assert report.counts.added == 1 and stored(engine) == ["hluk"]


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:dct="http://purl.org/dc/terms/">
  <rdf:Description rdf:about="https://x.test/d"><dct:title>&d;&d;&d;</dct:title></rdf:Description>
</rdf:RDF>"""


@pytest.mark.parametrize("body, content_type, message", [
    (b"<!DOCTYPE html><html><body>Portal</body></html>", "text/html", "HTML instead of RDF"),
    (PREFIXES.encode() + b'<https://x.test/d> a dcat:Dataset ; dct:title "cut', "text/turtle",
     "not valid turtle"),
    (BOMB, "application/rdf+xml", "entities"),
    (json.dumps({"@context": "https://evil.test/context.jsonld", "@id": "https://x.test/d"})
     .encode(), "application/ld+json", "remote JSON-LD context is refused"),
    (b"\x00\x01binary", "application/octet-stream", "not valid turtle"),
])
def test_a_bad_page_fails_the_job_and_keeps_what_was_stored(
        engine: Engine, dcat: LocalServer, body: bytes, content_type: str,
        message: str) -> None:
    serve_pages(dcat, "partial")
    run(engine)
    dcat.route("/catalog.ttl", Reply(body, headers={"Content-Type": content_type}))
    report = run(engine)
    assert report.status is JobStatus.FAILED
    assert message in (report.error or "")
    assert len(stored(engine)) == 5


def test_a_next_link_back_to_a_read_page_is_a_loop(engine: Engine, dcat: LocalServer) -> None:
    def looping(request):  # type: ignore[no-untyped-def]
        page = int(request.query.get("page", ["1"])[0])
        body = PREFIXES + f"<{dcat.url(f'/catalog.ttl?page={page}')}> a " \
            f"hydra:PartialCollectionView ; hydra:next <?page={3 - page}> .\n" + PUBLISHER \
            + turtle_dataset(page)
        return Reply(body.encode(), headers=TURTLE)

    dcat.route("/catalog.ttl", looping)
    report = run(engine)
    assert report.status is JobStatus.FAILED and "loops" in (report.error or "")
    assert stored(engine) == []


def test_a_page_over_the_size_cap_fails_the_job(engine: Engine, dcat: LocalServer) -> None:
    serve_pages(dcat, "partial")
    small = HttpClient(HttpPolicy(allowed_networks=("127.0.0.1/32",), max_bytes=2000, retries=0))
    report = run(engine, client=small)
    assert report.status is JobStatus.FAILED and "larger than 2000 bytes" in (report.error or "")
    assert stored(engine) == []


def test_a_page_failing_midway_changes_nothing(engine: Engine, dcat: LocalServer) -> None:
    serve_pages(dcat, "partial")
    handler = dcat.routes["/catalog.ttl"]
    dcat.route("/catalog.ttl", lambda r: handler(r) if r.query.get("page", ["1"])[0] != "3"
               else Reply(b"down", 503))
    report = run(engine)
    assert report.status is JobStatus.FAILED and "503" in (report.error or "")
    assert stored(engine) == []


# -- LKOD -----------------------------------------------------------------------------------

def lkod_dataset(iri: str, context: str, title: str, **changes: Any) -> dict[str, Any]:
    """A dataset record as the OFN "Rozhraní katalogů otevřených dat" describes it."""
    record: dict[str, Any] = {
        "@context": context,
        "iri": iri,
        "typ": "Datová sada",
        "název": {"cs": title, "en": "Public transport stops"},
        "popis": {"cs": "Zastávky veřejné dopravy v Libereckém kraji."},
        "poskytovatel": "https://rpp-opendata.egon.gov.cz/odrpp/zdroj/orgán-veřejné-moci/70891508",
        "téma": [THEME + "TRAN"],
        "periodicita_aktualizace":
            "http://publications.europa.eu/resource/authority/frequency/MONTHLY",
        "klíčové_slovo": {"cs": ["zastávky", "doprava"], "en": ["stops"]},
        "prvek_rúian": ["https://linked.cuzk.cz/resource/ruian/vusc/78"],
        "kontaktní_bod": {"typ": "Organizace", "jméno": {"cs": "ARR"},
                          "e-mail": "mailto:data@arr-liberec.test"},
        "distribuce": [{
            "iri": iri + "/distribuce/csv",
            "typ": "Distribuce",
            "podmínky_užití": {
                "typ": "Specifikace podmínek užití",
                "autorské_dílo": "https://data.gov.cz/podmínky-užití/neobsahuje-autorská-díla/",
                "databáze_jako_autorské_dílo":
                    "https://data.gov.cz/podmínky-užití/není-autorskoprávně-chráněnou-databází/",
                "databáze_chráněná_zvláštními_právy": "https://data.gov.cz/podmínky-užití/"
                    "není-chráněna-zvláštním-právem-pořizovatele-databáze/",
                "osobní_údaje": "https://data.gov.cz/podmínky-užití/neobsahuje-osobní-údaje/",
            },
            "soubor_ke_stažení": f"https://www.datalk.cz/datasets/{ITEM}_0.csv",
            "přístupové_url": f"https://www.datalk.cz/datasets/{ITEM}_0.csv",
            "formát": FILE_TYPE + "CSV",
            "typ_média": "http://www.iana.org/assignments/media-types/text/csv",
        }],
    }
    record.update(changes)
    return record


@pytest.fixture
def lkod(engine: Engine, server: LocalServer) -> LocalServer:
    add_agents(engine)
    first, second, broken = (server.url(f"/lkod/zaznam/{n}") for n in (1, 2, 3))
    server.route("/katalog.jsonld", Reply(json.dumps({
        "@context": CONTEXT_2021, "iri": server.url("/katalog.jsonld"), "typ": "Katalog",
        "název": {"cs": "Katalog otevřených dat Libereckého kraje"},
        "poskytovatel":
            "https://rpp-opendata.egon.gov.cz/odrpp/zdroj/orgán-veřejné-moci/70891508",
        "datová_sada": [first, second, broken],
    }, ensure_ascii=False).encode(), headers={"Content-Type": "application/ld+json"}))
    for path, record in (("/lkod/zaznam/1", lkod_dataset(first, CONTEXT_2021, "Zastávky")),
                         ("/lkod/zaznam/2", lkod_dataset(second, CONTEXT_2024, "Jízdní řády"))):
        server.route(path, Reply(json.dumps(record, ensure_ascii=False).encode(),
                                 headers={"Content-Type": "application/ld+json"}))
    add_source(engine, "open-datalk", "lkod", server.url("/katalog.jsonld"),
               publisher="liberecky-kraj")
    return server


def test_lkod_records_of_both_contexts_are_dereferenced_and_mapped(
        engine: Engine, lkod: LocalServer) -> None:
    report = run(engine, "open-datalk")
    assert report.status is JobStatus.DONE_WITH_ERRORS
    assert (report.counts.added, report.counts.errored) == (2, 1)
    [error] = [i for i in report.issues if i.kind == "error"]
    assert error.message == "dataset record could not be fetched: HTTP status 404"
    with Session(engine) as session:
        slugs = sorted(d.slug for d in session.exec(select(Dataset)))
        view = dataset_view(session, slugs[0])
    assert len(slugs) == 2
    assert view.dataset.title["cs"] in ("Zastávky", "Jízdní řády")
    assert view.dataset.spatial == ["https://linked.cuzk.cz/resource/ruian/vusc/78"]
    assert view.dataset.frequency.endswith("/MONTHLY")
    assert view.dataset.keywords == {"cs": ["doprava", "zastávky"], "en": ["stops"]}
    assert view.publisher.slug == "liberecky-kraj"  # the RPP IRI names no publisher
    [csv] = view.distributions
    assert csv.terms_personal_data.endswith("neobsahuje-osobní-údaje/")
    assert view.contact is not None and view.contact.email == "data@arr-liberec.test"
    assert lkod.requests and all("evil" not in r.path for r in lkod.requests)


def test_lkod_and_the_data_json_it_was_generated_from_are_one_record(
        engine: Engine, lkod: LocalServer) -> None:
    lkod.route("/data.json", Reply(data_json(hub_dataset())))
    add_source(engine, "datalk", "dcat-us", lkod.url("/data.json"), publisher="liberecky-kraj")
    run(engine, "datalk")
    report = run(engine, "open-datalk")
    assert report.counts.merged == 2  # both LKOD records share the ArcGIS item id
    assert report.counts.added == 0
    assert len(stored(engine)) == 1


def test_an_lkod_record_with_a_remote_context_is_refused_unfetched(
        engine: Engine, lkod: LocalServer) -> None:
    evil = lkod.url("/evil/context.jsonld")
    lkod.route("/lkod/zaznam/1", Reply(json.dumps(lkod_dataset(
        lkod.url("/lkod/zaznam/1"), evil, "X")).encode(),
        headers={"Content-Type": "application/ld+json"}))
    report = run(engine, "open-datalk")
    assert report.counts.added == 1 and report.counts.errored == 2
    assert lkod.hits("/evil/context.jsonld") == 0
