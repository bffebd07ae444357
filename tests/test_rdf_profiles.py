"""The DCAT-AP 3 and DCAT-AP-CZ profiles: serialize and parse back without losing a stored field,
in every RDF syntax and as LKOD JSON-LD (both context versions), from memory and from the
database."""

from __future__ import annotations

import json
from typing import Any

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from sqlalchemy import Engine

from catalog.db import transaction
from catalog.errors import ValidationError
from catalog.models import AgentKind
from catalog.rdf import (
    CONTEXT_2021,
    UnknownContext,
    dataset_to_lkod,
    dcat_ap_3,
    dcat_ap_cz,
    iter_datasets,
    lkod_to_graph,
    parse_dataset_graph,
    parse_lkod_catalog,
    parse_lkod_dataset,
    parse_publisher,
    parse_rdf,
    record_from_input,
)
from catalog.rdf.queries import dataset_record, iter_dataset_records
from catalog.schemas import AgentInput, DatasetInput, parse_input
from catalog.services import create_dataset, ensure_local_catalog, upsert_agent
from tests.conftest import BASE_URL, IN_CI, SHARED_DIR
from tests.records import PUBLISHER, dataset

SHARED = SHARED_DIR / "standards"
HVD = "http://data.europa.eu/eli/reg_impl/2023/138/oj"


def full_dataset(**changes: Any) -> DatasetInput:
    """A record using every field the catalog stores, in four languages."""
    record = dataset(
        title={"cs": "Odjezdy vlaků", "en": "Train departures", "de": "Zugabfahrten",
               "pl": "Odjazdy pociągów"},
        keywords={"cs": ["vlaky", "jízdní řády"], "en": ["trains"], "de": ["Züge"]},
        themes=["TRAN", "REGI"],
        concepts=["http://eurovoc.europa.eu/4512", "https://example.org/concept/x"],
        identifiers=["https://old.example.cz/lkod/odjezdy", "ckan:0a1b2c"],
        applicable_legislation=[HVD],
        hvd_categories=["http://data.europa.eu/bna/c_b79e35eb"],
        spatial=["https://linked.cuzk.cz/resource/ruian/obec/563889",
                 "https://linked.cuzk.cz/resource/ruian/vusc/78"],
        temporal={"start": "2024-01-01", "end": "2025-12-31"},
        landing_page="https://www.kraj-lbc.cz/doprava",
        documentation="https://www.kraj-lbc.cz/doprava/dokumentace",
        contact={"name": "Odbor dopravy", "email": "doprava@kraj-lbc.cz",
                 "url": "https://www.kraj-lbc.cz/kontakty"},
        distributions=[
            {"title": {"cs": "Odjezdy (CSV)", "en": "Departures (CSV)"},
             "description": {"cs": "Celý rok v jednom souboru."},
             "access_url": "https://data.kraj-lbc.cz/odjezdy.csv",
             "download_url": "https://data.kraj-lbc.cz/odjezdy.csv",
             "format": "CSV", "media_type": "text/csv", "license": "CC-BY-4.0",
             "byte_size": 52000, "terms_author_work": "ccby",
             "terms_author": {"cs": "Liberecký kraj"}, "terms_database_work": "ccby",
             "terms_database_author": {"cs": "Liberecký kraj", "en": "Liberec Region"},
             "terms_special_db_rights": "cc0", "personal_data": "yes",
             "issued": "2024-01-05", "modified": "2026-10-01"},
            {"title": {"cs": "API odjezdů"},
             "access_url": "https://api.kraj-lbc.cz/odjezdy",
             "format": "JSON", "media_type": "application/json",
             "access_service": {"title": {"cs": "API odjezdů", "en": "Departures API"},
                                "description": {"cs": "REST API"},
                                "endpoint_url": "https://api.kraj-lbc.cz/odjezdy",
                                "endpoint_description": "https://api.kraj-lbc.cz/openapi.json",
                                "license": "CC0-1.0"}},
        ],
    )
    record.update(changes)
    return parse_input(DatasetInput, record)


def canonical(dataset_in: DatasetInput) -> dict[str, Any]:
    """RDF has no order: compare lists as sorted."""
    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return sorted(value)
        if isinstance(value, list) and value and not isinstance(value[0], float | int):
            return [walk(v) for v in value]
        return value
    data: dict[str, Any] = walk(dataset_in.model_dump(mode="json"))
    return data


def record(dataset_in: DatasetInput | None = None) -> Any:
    return record_from_input(dataset_in or full_dataset(), AgentInput(**PUBLISHER),
                             base_url=BASE_URL)


@pytest.mark.parametrize("syntax", ["turtle", "xml", "json-ld", "nt"])
def test_dataset_round_trips_through_every_rdf_syntax(syntax: str) -> None:
    rec = record()
    text = dcat_ap_3.to_graph(dcat_ap_cz.dataset_triples(rec)).serialize(format=syntax)
    graph = parse_rdf(text, syntax)
    assert list(iter_datasets(graph)) == [rec.iri]
    assert canonical(parse_dataset_graph(graph, rec.iri)) == canonical(rec.dataset)


def test_multilingual_literals_keep_their_language_tags() -> None:
    graph = dcat_ap_3.to_graph(dcat_ap_cz.dataset_triples(record()))
    titles = {(str(o), o.language) for o in graph.objects(None, dcat_ap_3.DCTERMS.title)
              if str(o).startswith(("Odjezdy vlaků", "Zug", "Odjazdy p", "Train dep"))}
    assert titles == {("Odjezdy vlaků", "cs"), ("Train departures", "en"),
                      ("Zugabfahrten", "de"), ("Odjazdy pociągów", "pl")}


def test_dcat_ap_3_alone_parses_with_default_terms_of_use() -> None:
    rec = record()
    graph = dcat_ap_3.to_graph(dcat_ap_3.dataset_triples(rec))
    parsed = parse_dataset_graph(graph, rec.iri)
    assert parsed.distributions[0].terms_author_work.endswith("neobsahuje-autorská-díla/")
    assert parsed.distributions[0].download_url == rec.dataset.distributions[0].download_url


def test_source_identifiers_are_published_as_adms_identifier_and_same_as() -> None:
    graph = dcat_ap_3.to_graph(dcat_ap_3.dataset_triples(record()))
    turtle = graph.serialize(format="turtle")
    assert "owl:sameAs <https://old.example.cz/lkod/odjezdy>" in turtle
    assert 'skos:notation "ckan:0a1b2c"' in turtle


def test_lkod_record_round_trips_and_matches_the_rdf_profile() -> None:
    rec = record()
    document = json.loads(json.dumps(dataset_to_lkod(rec)))
    parsed = parse_lkod_dataset(document, publisher_slug=lambda iri, values: "liberecky-kraj")
    assert canonical(parsed) == canonical(rec.dataset)
    rdf = dcat_ap_3.to_graph(dcat_ap_cz.dataset_triples(rec))
    publisher_node = dcat_ap_3.URIRef(rec.publisher.iri)
    rdf.remove((publisher_node, None, None))  # LKOD names the publisher only by its RPP IRI
    assert isomorphic(lkod_to_graph(document), rdf)


def test_lkod_record_has_no_blank_datasets_distributions_or_services() -> None:
    document = dataset_to_lkod(record())
    assert document["iri"].startswith("https://")
    for dist in document["distribuce"]:
        assert dist["iri"].startswith("https://")
        assert set(dist["podmínky_užití"]) >= {"autorské_dílo", "databáze_jako_autorské_dílo",
                                                "databáze_chráněná_zvláštními_právy",
                                                "osobní_údaje"}
        if "přístupová_služba" in dist:
            assert dist["přístupová_služba"]["iri"].startswith("https://")
            assert dist["přístupová_služba"]["kategorie_hvd"]
            assert dist["právní_předpis"] == [HVD]


def test_lkod_2021_form_is_read_with_its_own_context() -> None:
    document = {
        "@context": CONTEXT_2021, "iri": "https://lkod.example.cz/datove-sady/zastavky",
        "typ": "Datová sada", "název": {"cs": "Zastávky"}, "popis": {"cs": "Zastávky MHD."},
        "poskytovatel": "https://rpp-opendata.egon.gov.cz/odrpp/zdroj/orgán-veřejné-moci/00262978",
        "téma": ["http://publications.europa.eu/resource/authority/data-theme/TRAN"],
        "periodicita_aktualizace": "http://publications.europa.eu/resource/authority/frequency/ANNUAL",
        "klíčové_slovo": {"cs": ["zastávky"]},
        "prvek_rúian": ["https://linked.cuzk.cz/resource/ruian/obec/563889"],
        "je_součástí": "https://lkod.example.cz/datove-sady/doprava",
        "distribuce": [{
            "iri": "https://lkod.example.cz/datove-sady/zastavky/csv", "typ": "Distribuce",
            "podmínky_užití": {
                "typ": "Specifikace podmínek užití",
                "autorské_dílo": "https://data.gov.cz/podmínky-užití/neobsahuje-autorská-díla/",
                "databáze_jako_autorské_dílo": "https://creativecommons.org/licenses/by/4.0/",
                "autor_databáze": {"cs": "Město Liberec"},
                "databáze_chráněná_zvláštními_právy": "https://creativecommons.org/publicdomain/zero/1.0/",
                "osobní_údaje": "https://data.gov.cz/podmínky-užití/neobsahuje-osobní-údaje/"},
            "přístupové_url": "https://lkod.example.cz/zastavky.csv",
            "soubor_ke_stažení": "https://lkod.example.cz/zastavky.csv",
            "formát": "http://publications.europa.eu/resource/authority/file-type/CSV",
            "typ_média": "http://www.iana.org/assignments/media-types/text/csv"}],
    }
    parsed = parse_lkod_dataset(document)
    assert parsed.slug == "zastavky"
    assert parsed.publisher == "ico-00262978"
    assert parsed.keywords == {"cs": ["zastávky"]}
    dist = parsed.distributions[0]
    assert dist.media_type == "text/csv"
    assert dist.terms_database_author == {"cs": "Město Liberec"}
    assert dist.terms_special_db_rights == "https://creativecommons.org/publicdomain/zero/1.0/"


def test_an_unknown_remote_context_is_refused_not_fetched() -> None:
    with pytest.raises(UnknownContext, match="unknown remote JSON-LD context"):
        lkod_to_graph({"@context": "https://evil.example/context.jsonld", "iri": "x"})


def test_lkod_catalog_lists_dataset_iris() -> None:
    catalog = {"@context": CONTEXT_2021, "iri": "https://lkod.example.cz/katalog",
               "typ": "Katalog", "název": {"cs": "K"}, "popis": {"cs": "K"},
               "poskytovatel": "https://rpp-opendata.egon.gov.cz/odrpp/zdroj/orgán-veřejné-moci/1",
               "datová_sada": ["https://lkod.example.cz/a", "https://lkod.example.cz/b"]}
    assert parse_lkod_catalog(catalog) == ["https://lkod.example.cz/a",
                                           "https://lkod.example.cz/b"]
    expanded = {"@context": CONTEXT_2021, "@graph": [catalog | {"@context": CONTEXT_2021}]}
    assert parse_lkod_catalog(expanded) == ["https://lkod.example.cz/a",
                                            "https://lkod.example.cz/b"]


def test_publisher_is_parsed_with_its_slug_and_ico() -> None:
    rec = record()
    graph = dcat_ap_3.to_graph(dcat_ap_3.dataset_triples(rec))
    publisher = parse_publisher(graph, rec.iri)
    assert publisher is not None
    assert (publisher.slug, publisher.ico, publisher.name) == (
        "liberecky-kraj", "70891508", PUBLISHER["name"])


def test_a_value_outside_our_code_lists_names_its_field() -> None:
    graph = dcat_ap_3.to_graph(dcat_ap_3.dataset_triples(record()))
    graph.set((dcat_ap_3.URIRef(record().iri), dcat_ap_3.DCTERMS.accrualPeriodicity,
               dcat_ap_3.URIRef("http://example.org/sometimes")))
    with pytest.raises(ValidationError) as error:
        parse_dataset_graph(graph, record().iri)
    assert error.value.field == "frequency"


def test_malformed_rdf_is_one_error_type() -> None:
    from catalog.rdf import RdfSyntaxError

    with pytest.raises(RdfSyntaxError):
        parse_rdf("<a> <b> .", "text/turtle")
    with pytest.raises(RdfSyntaxError):
        parse_rdf("{not json", "application/ld+json")


def test_official_lkod_example_is_read() -> None:
    path = SHARED / "ofn-rko-2024-05-28_example_datova-sada.jsonld"
    if not path.exists():
        message = f"the official example is missing from {SHARED}"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    parsed = parse_lkod_dataset(json.loads(path.read_text(encoding="utf-8")))
    assert parsed.title["en"] == "Public transport timetables"
    assert parsed.spatial == ["https://linked.cuzk.cz/resource/ruian/stat/1"]
    assert parsed.concepts == ["http://eurovoc.europa.eu/4512"]
    assert parsed.contact and parsed.contact.email == "sekretariat.190@mdcr.cz"
    assert [d.access_service is not None for d in parsed.distributions] == [False, True]
    assert parsed.distributions[0].terms_author == {
        "cs": "Ministerstvo dopravy, Odbor veřejné dopravy"}


def stored_full_dataset(engine: Engine) -> DatasetInput:
    """``full_dataset()`` stored with its publisher in a catalog."""
    original = full_dataset()
    with transaction(engine) as session:
        ensure_local_catalog(session, BASE_URL, {"cs": "Katalog"})
        upsert_agent(session, PUBLISHER, kind=AgentKind.PUBLISHER, base_url=BASE_URL)
        create_dataset(session, original, base_url=BASE_URL)
    return original


def test_stored_dataset_round_trips_from_the_database(engine: Engine) -> None:
    original = stored_full_dataset(engine)
    with transaction(engine) as session:
        rec = dataset_record(session, original.slug)
    assert rec.distributions[1].service_iri
    graph = Graph().parse(data=dcat_ap_3.to_graph(dcat_ap_cz.dataset_triples(rec))
                          .serialize(format="turtle"), format="turtle")
    assert canonical(parse_dataset_graph(graph, rec.iri)) == canonical(original)


def test_records_read_as_plain_rows_are_the_models_validation_builds(engine: Engine) -> None:
    """The export reads plain rows and builds its models without validating (trusted rows):
    the same records as the ORM path, each model what validating its values gives, every
    field in the schema's order (model_dump and equality depend on it)."""
    original = stored_full_dataset(engine)
    with transaction(engine) as session:
        [streamed] = list(iter_dataset_records(session))
        assert streamed == dataset_record(session, original.slug)
    models = [streamed.dataset, streamed.dataset.contact, streamed.dataset.temporal,
              *(d.distribution for d in streamed.distributions),
              *(d.distribution.access_service for d in streamed.distributions
                if d.distribution.access_service)]
    assert len(models) == 6
    for model in models:
        assert model is not None
        assert list(model.__dict__) == list(type(model).model_fields)
        assert type(model).model_validate(model.model_dump()) == model


def _child_blank(queue: Any) -> None:
    from catalog.rdf.dcat_ap_3 import blank

    queue.put(str(blank()))


def test_blank_nodes_stay_unique_across_forked_workers() -> None:
    """Blank nodes come from a per-process prefix and a counter: a forked child (a web worker,
    the SPARQL query process) gets a prefix of its own, not its parent's next labels."""
    import multiprocessing

    from catalog.rdf.dcat_ap_3 import blank

    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_child_blank, args=(queue,))
    child.start()
    from_child = queue.get(timeout=10)
    child.join(10)
    mine = {str(blank()) for _ in range(3)}
    assert from_child not in mine and len(mine) == 3
