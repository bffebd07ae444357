"""Conformance of the demo catalog as the national and European catalogs will read it: the
official DCAT-AP 3.0.1 SHACL shapes (0 violations; warnings listed), the Czech OFN JSON Schemas
over /katalog.jsonld and every dataset record (0 errors), our own shapes and the NKOD-style
checks. The files come from ../shared: missing in CI is a failure, elsewhere a skip."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph

from catalog.quality.findings import Finding, Severity
from catalog.quality.nkod import check_record
from catalog.quality.validation import load_shapes, shacl_findings
from catalog.rdf import record_from_input
from catalog.schemas import AgentInput, DatasetInput, parse_input
from portal.catalog_commands import catalog_group
from tests.conftest import BASE_URL, IN_CI, SHARED_DIR, published_dataset_count
from tests.records import PUBLISHER, dataset

STANDARDS = SHARED_DIR / "standards"
SHAPES = ("dcat-ap-3.0.1_shapes.ttl", "dcat-ap-3.0.1_shapes_recommended.ttl")
SCHEMAS = {
    "dataset": "ofn-rko-2024-05-28_schema_datova-sada.json",
    "catalog": "ofn-rko-2024-05-28_schema_katalog.json",
}
SHARED_SCHEMAS = ("ofn-zdt-2020-07-01_schema_text.json",
                  "ofn-zdt-2020-07-01_schema_vice-textu.json")


def shared_file(name: str) -> Path:
    path = STANDARDS / name
    if not path.exists():
        message = f"{name} is missing from {STANDARDS} (the shared standards folder)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path


# Optional in our model or not held (yet): open-ended periods, datasets without a period
# or contact point (the museums' collection datasets), ADMS publisher types, service
# specifications and endpoint descriptions.
KNOWN_WARNINGS = {"endDate", "startDate", "temporal", "type", "conformsTo",
                  "endpointDescription", "availability", "description", "contactPoint"}


def export_graph(app: Flask, path: Path) -> Graph:
    """The app's whole catalog as `portal catalog export` writes it (Turtle)."""
    result = app.test_cli_runner().invoke(catalog_group, ["export", "--format", "ttl", str(path)])
    assert result.exit_code == 0, result.output
    return Graph().parse(path, format="turtle")


def official_findings(graph: Graph) -> list[Finding]:
    """The official DCAT-AP 3.0.1 shapes (mandatory and recommended) over ``graph``."""
    shapes = load_shapes(*(shared_file(name) for name in SHAPES))
    return shacl_findings(graph, shapes, "dcat-ap-3.0.1")


def warned_properties(findings: list[Finding]) -> set[str]:
    """The local names of the properties the recommended shapes warn about."""
    return {f.path.rsplit("/", 1)[-1].rsplit("#", 1)[-1] for f in findings
            if f.severity is Severity.WARNING}


@pytest.fixture(scope="session")
def demo_export(demo_app: Flask, tmp_path_factory: pytest.TempPathFactory) -> Graph:
    """The whole demo catalog as `portal catalog export` writes it (one run per session)."""
    return export_graph(demo_app, tmp_path_factory.mktemp("export") / "catalog.ttl")


@pytest.fixture(scope="session")
def official_results(demo_export: Graph) -> list[Finding]:
    """The official DCAT-AP 3.0.1 shapes over the full export: validated once per session."""
    return official_findings(demo_export)


def test_demo_catalog_has_no_dcat_ap_violations(official_results: list[Finding]) -> None:
    violations = [f for f in official_results if f.severity is Severity.VIOLATION]
    assert violations == []


def test_recommended_shapes_report_warnings_only_for_known_gaps(
        official_results: list[Finding]) -> None:
    assert warned_properties(official_results) <= KNOWN_WARNINGS


def test_the_export_holds_every_published_dataset(demo_app: Flask, demo_export: Graph) -> None:
    from rdflib.namespace import DCAT, RDF

    assert len(set(demo_export.subjects(RDF.type, DCAT.Dataset))) == \
        published_dataset_count(demo_app)


@pytest.fixture(scope="session")
def validators() -> dict[str, Any]:
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    resources = []
    for name in SHARED_SCHEMAS:
        schema = json.loads(shared_file(name).read_text(encoding="utf-8"))
        resources.append((schema["$id"], Resource.from_contents(schema)))
    registry: Registry = Registry().with_resources(resources)
    found = {}
    for kind, name in SCHEMAS.items():
        schema = json.loads(shared_file(name).read_text(encoding="utf-8"))
        found[kind] = Draft202012Validator(schema, registry=registry,
                                           format_checker=Draft202012Validator.FORMAT_CHECKER)
    return found


def errors_of(validator: Any, document: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(document)]


def lkod_record_errors(client: FlaskClient, validators: dict[str, Any]
                       ) -> tuple[list[str], dict[str, list[str]]]:
    """The IRIs /katalog.jsonld lists, and the Czech JSON Schema errors of each record."""
    catalog = client.get("/katalog.jsonld").get_json()
    errors = {}
    for iri in catalog["datová_sada"]:
        record = client.get(iri.removeprefix(BASE_URL) + ".jsonld").get_json()
        found = errors_of(validators["dataset"], record)
        if found:
            errors[iri] = found
    return catalog["datová_sada"], errors


def test_lkod_catalog_passes_the_czech_json_schema(demo_client: FlaskClient,
                                                   validators: dict[str, Any]) -> None:
    document = demo_client.get("/katalog.jsonld").get_json()
    assert errors_of(validators["catalog"], document) == []


def test_every_lkod_dataset_record_passes_the_czech_json_schema(
        demo_client: FlaskClient, validators: dict[str, Any]) -> None:
    iris, errors = lkod_record_errors(demo_client, validators)
    assert len(iris) == published_dataset_count(demo_client.application)
    assert errors == {}


def test_the_json_schema_catches_what_nkod_refuses(demo_client: FlaskClient,
                                                   validators: dict[str, Any]) -> None:
    """The schema check is not vacuous: a record without spatial coverage fails it."""
    iri = demo_client.get("/katalog.jsonld").get_json()["datová_sada"][0]
    record = demo_client.get(iri.removeprefix(BASE_URL) + ".jsonld").get_json()
    del record["prvek_rúian"]
    assert any("prvek_rúian" in e for e in errors_of(validators["dataset"], record))


def test_demo_catalog_passes_our_shapes_and_the_nkod_checks(demo_app: Flask) -> None:
    result = demo_app.test_cli_runner().invoke(catalog_group, ["validate", "--json"])
    assert result.exit_code == 0, result.output[:2000]
    report = json.loads(result.output)
    assert report["datasets"] == published_dataset_count(demo_app)
    assert [f for f in report["findings"] if f["severity"] == "violation"] == []


def nkod_messages(**changes: Any) -> list[str]:
    record = record_from_input(parse_input(DatasetInput, dataset(**changes)),
                               AgentInput(**PUBLISHER), base_url=BASE_URL)
    return [f"{f.path}: {f.message}" for f in check_record(record)]


def test_nkod_checks_flag_placeholders_and_missing_mandatory_values() -> None:
    assert nkod_messages() == []
    found = nkod_messages(spatial=[], frequency=None, keywords={},
                          title={"cs": "{{datasetTitle}}"},
                          contact={"name": "N/A", "email": "x@y.cz"})
    assert "spatial: no RÚIAN element (prvek_rúian) as spatial coverage" in found
    assert "frequency: no update frequency (periodicita_aktualizace)" in found
    assert "keywords: no keyword (klíčové_slovo)" in found
    assert "title.cs: placeholder value '{{datasetTitle}}'" in found
    assert "contact.name: placeholder value 'N/A'" in found


def test_nkod_checks_flag_what_the_2024_schema_refuses() -> None:
    found = nkod_messages(distributions=[{
        "access_url": "http://data.kraj-lbc.cz/a.csv", "format": "CSV",
        "personal_data": "unspecified"}])
    assert any(m.startswith("access_url: the 2024 LKOD schema requires https") for m in found)
    assert "download_url: a file distribution needs download url" in found
    assert "media_type: a file distribution needs media type" in found
    assert any(m.startswith("personal_data:") for m in found)


def test_our_shapes_find_a_missing_terms_of_use_slot() -> None:
    from catalog.rdf import dcat_ap_3, dcat_ap_cz

    rec = record_from_input(parse_input(DatasetInput, dataset()), AgentInput(**PUBLISHER),
                            base_url=BASE_URL)
    graph = dcat_ap_3.to_graph(dcat_ap_cz.dataset_triples(rec))
    graph.remove((None, dcat_ap_cz.PU_PERSONAL_DATA, None))
    findings = shacl_findings(graph, load_shapes())
    assert any(f.severity is Severity.VIOLATION and "terms of use" in f.message
               for f in findings)
