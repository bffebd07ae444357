"""Conformance of a catalog written by a publisher in the web editor (not loaded from files):
a dataset with only what the editor requires to publish, and a rich one (four languages,
several places, a period, a contact point, two high-value dataset categories, an uploaded
file, a linked file with terms of use and an API), exported as DCAT-AP 3 and as LKOD, against
the official SHACL shapes and the Czech JSON Schemas, as tests/test_conformance.py checks the
demo catalog. The editor refuses to publish what would not conform, saying what is missing."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import URIRef
from rdflib.namespace import DCAT, RDF
from sqlmodel import Session

from catalog.quality.findings import Finding, Severity
from catalog.rdf import parse_lkod_catalog, parse_lkod_dataset
from catalog.rdf.queries import dataset_record
from catalog.vocabularies import HVD_CATEGORY_BASE as HVD
from portal.state import state
from tests.conftest import BASE_URL, app_on_copy
from tests.publishing import (
    FREQUENCIES,
    THEMES,
    add_distribution,
    create_dataset,
    editor_client,
    set_state,
)
from tests.records import PUBLISHER
from tests.test_conformance import (
    KNOWN_WARNINGS,
    errors_of,
    export_graph,
    lkod_record_errors,
    official_findings,
    validators,  # noqa: F401  (the session fixture of the Czech JSON Schemas)
    warned_properties,
)
from tests.test_rdf_profiles import canonical

# What the editor asks for before it publishes: the schema's title and description, what NKOD
# requires (a keyword, a theme, a place, a frequency, a distribution with its format) and a
# licence.
MINIMAL = {
    "slug": "prehled-skol",
    "title_cs": "Přehled škol",
    "description_cs": "Školy v kraji.",
    "keywords_cs": "školy",
    "themes": THEMES + "EDUC",
    "places": "Liberecký kraj",
    "frequency": FREQUENCIES + "ANNUAL",
}
MINIMAL_FILE = {
    "kind": "url",
    "access_url": "https://data.kraj.example/skoly.csv",
    "format": "CSV",
    "licence": "CC-BY-4.0",
}
RICH = {
    "slug": "kvalita-ovzdusi",
    "title_cs": "Kvalita ovzduší",
    "title_en": "Air quality",
    "title_de": "Luftqualität",
    "title_pl": "Jakość powietrza",
    "description_cs": "Hodinové koncentrace znečišťujících látek.",
    "description_en": "Hourly pollutant concentrations.",
    "description_de": "Stündliche Schadstoffkonzentrationen.",
    "description_pl": "Godzinowe stężenia zanieczyszczeń.",
    "keywords_cs": "ovzduší, emise",
    "keywords_en": "air, emissions",
    "themes": [THEMES + "ENVI", THEMES + "HEAL"],
    "places": ["Liberec (okres Liberec)", "Frýdlant (okres Liberec)"],
    "bbox_west": "14.9",
    "bbox_south": "50.7",
    "bbox_east": "15.2",
    "bbox_north": "50.95",
    "temporal_start": "2020-01-01",
    "temporal_end": "2026-12-31",
    "frequency": FREQUENCIES + "HOURLY",
    "hvd_categories": [HVD + "c_dd313021", HVD + "c_164e0bf5"],
    "landing_page": "https://www.kraj.example/ovzdusi",
    "documentation": "https://www.kraj.example/ovzdusi/metodika",
    "contact_name": "Odbor životního prostředí",
    "contact_email": "ovzdusi@kraj.example",
    "contact_url": "https://www.kraj.example/kontakty",
    "issued": "2020-02-01",
    "modified": "2026-10-01",
}
CSV = "stanice;čas;PM10\nLiberec-Rochlice;2026-10-01T10:00;21\n".encode()
RICH_DISTRIBUTIONS = [
    {
        "kind": "upload",
        "file": (io.BytesIO(CSV), "ovzdusi.csv"),
        "format": "CSV",
        "title_cs": "Měření (CSV)",
        "title_en": "Measurements (CSV)",
        "licence": "CC-BY-4.0",
        "terms_author_work": "ccby",
        "terms_author_cs": "Liberecký kraj",
        "terms_database_work": "ccby",
        "terms_database_author_cs": "Liberecký kraj",
        "terms_special_db_rights": "cc0",
        "personal_data": "no",
    },
    {
        "kind": "url",
        "access_url": "https://data.kraj.example/ovzdusi.json",
        "download_url": "https://data.kraj.example/ovzdusi.json",
        "format": "JSON",
        "title_cs": "Měření (JSON)",
        "licence": "CC0-1.0",
        "personal_data": "no",
    },
    {
        "kind": "api",
        "access_url": "https://api.kraj.example/ovzdusi",
        "api_documentation": "https://api.kraj.example/ovzdusi/openapi.json",
        "title_cs": "API měření",
        "title_en": "Measurements API",
        "format": "JSON",
        "licence": "CC-BY-4.0",
    },
]


def publish(editor: FlaskClient, form: dict[str, Any], distributions: list[dict[str, Any]]) -> None:
    created = create_dataset(editor, PUBLISHER["slug"], form)
    assert created.status_code == 302, created.get_data(True)
    for distribution in distributions:
        added = add_distribution(editor, form["slug"], distribution)
        assert added.status_code == 302, added.get_data(True)
    published = set_state(editor, form["slug"], "published")
    assert published.status_code == 302, published.get_data(True)


@pytest.fixture(scope="module")
def editor_app(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Flask:
    """A catalog holding only what a publisher wrote in the editor (https base URL)."""
    app = app_on_copy(tmp_path_factory.mktemp("editor-catalog") / "instance", sqlite_template)
    editor = editor_client(app, "admin@kraj.example", PUBLISHER)
    publish(editor, MINIMAL, [MINIMAL_FILE])
    publish(editor, RICH, RICH_DISTRIBUTIONS)
    return app


@pytest.fixture(scope="module")
def editor_findings(editor_app: Flask, tmp_path_factory: pytest.TempPathFactory) -> list[Finding]:
    graph = export_graph(editor_app, tmp_path_factory.mktemp("export") / "catalog.ttl")
    assert len(set(graph.subjects(RDF.type, DCAT.Dataset))) == 2
    assert len(set(graph.subjects(RDF.type, DCAT.DataService))) == 1
    hvd = URIRef("http://data.europa.eu/r5r/hvdCategory")
    assert set(graph.objects(None, hvd)) == {URIRef(c) for c in RICH["hvd_categories"]}
    return official_findings(graph)


def test_the_editors_catalog_has_no_dcat_ap_violations(editor_findings: list[Finding]) -> None:
    assert [f for f in editor_findings if f.severity is Severity.VIOLATION] == []


def test_the_editors_catalog_gets_only_the_known_recommendation_warnings(
    editor_findings: list[Finding],
) -> None:
    assert warned_properties(editor_findings) <= KNOWN_WARNINGS


def test_the_editors_lkod_catalog_and_records_pass_the_czech_json_schemas(
    editor_app: Flask,
    validators: dict[str, Any],  # noqa: F811  (the fixture imported above)
) -> None:
    client = editor_app.test_client()
    document = client.get("/katalog.jsonld").get_json()
    assert errors_of(validators["catalog"], document) == []
    iris, errors = lkod_record_errors(client, validators)
    assert len(iris) == 2
    assert errors == {}


def test_the_editor_refuses_to_publish_what_would_not_conform(editor_app: Flask) -> None:
    """Only the schema's required fields and a linked file without format or licence: a draft
    may be so, a published dataset may not; the page says what to add, nothing changes."""
    editor = editor_client(editor_app, "second-admin@kraj.example", PUBLISHER)
    bare = {"slug": "jen-nazev", "title_cs": "Jen název", "description_cs": "Popis."}
    assert create_dataset(editor, PUBLISHER["slug"], bare).status_code == 302
    assert (
        add_distribution(
            editor, "jen-nazev", {"kind": "url", "access_url": "https://data.kraj.example/x.csv"}
        ).status_code
        == 302
    )
    response = set_state(editor, "jen-nazev", "published")
    assert response.status_code == 400
    html = response.get_data(True)
    for text in (
        "Zvolte alespoň jedno místo, kterého se data týkají.",
        "Zvolte alespoň jedno téma.",
        "Zvolte, jak často se data aktualizují.",
        "Zadejte alespoň jedno klíčové slovo.",
        "Zvolte formát každé souborové distribuce.",
        "Zvolte licenci pro každou distribuci.",
    ):
        assert text in html, text
    assert editor_app.test_client().get("/datasets/jen-nazev").status_code == 404
    listed = editor_app.test_client().get("/katalog.jsonld").get_json()["datová_sada"]
    assert not any(iri.endswith("/jen-nazev") for iri in listed)


def test_the_editors_lkod_catalog_and_records_round_trip_through_our_parser(
    editor_app: Flask,
) -> None:
    client = editor_app.test_client()
    iris = parse_lkod_catalog(client.get("/katalog.jsonld").get_json())
    assert sorted(iri.rsplit("/", 1)[1] for iri in iris) == ["kvalita-ovzdusi", "prehled-skol"]
    with Session(state(editor_app).engine) as session:
        for iri in iris:
            document = client.get(iri.removeprefix(BASE_URL) + ".jsonld").get_json()
            parsed = parse_lkod_dataset(document, publisher_slug=lambda i, v: PUBLISHER["slug"])
            stored = dataset_record(session, iri.rsplit("/", 1)[1]).dataset
            assert canonical(parsed) == canonical(stored), iri
