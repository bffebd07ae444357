"""The read-only SPARQL endpoint over the demo catalog: result formats, CONSTRUCT, the row
cap, updates refused, syntax errors, and a timeout that really stops the query."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.app import create_app
from portal.catalog_commands import sparql_group
from tests.conftest import BASE_URL, make_settings

DATASETS = ("PREFIX dcat: <http://www.w3.org/ns/dcat#> "
            "SELECT ?d WHERE { ?d a dcat:Dataset } ORDER BY ?d")
# Three-way cross product of every triple: far too long to finish within a second.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="session")
def sparql_app(demo_app: Flask) -> Flask:
    result = demo_app.test_cli_runner().invoke(sparql_group, ["rebuild"])
    assert result.exit_code == 0, result.output
    return demo_app


@pytest.fixture
def client(sparql_app: Flask) -> FlaskClient:
    return sparql_app.test_client()


def test_select_in_json_lists_every_dataset(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": DATASETS})
    assert response.status_code == 200
    assert response.mimetype == "application/sparql-results+json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    bindings = response.get_json()["results"]["bindings"]
    assert len(bindings) == 77
    assert bindings[0]["d"]["value"].startswith(f"{BASE_URL}/datasets/")


def test_select_in_xml_and_csv_by_accept_or_format(client: FlaskClient) -> None:
    xml = client.post("/sparql", data={"query": DATASETS},
                      headers={"Accept": "application/sparql-results+xml"})
    assert xml.mimetype == "application/sparql-results+xml"
    assert xml.get_data(as_text=True).count("<result>") == 77
    table = client.get("/sparql", query_string={"query": DATASETS, "format": "csv"})
    rows = list(csv.reader(io.StringIO(table.get_data(as_text=True))))
    assert rows[0] == ["d"] and len(rows) == 78


def test_ask_and_construct(client: FlaskClient) -> None:
    ask = client.post("/sparql", data="ASK { ?d a <http://www.w3.org/ns/dcat#Catalog> }",
                      content_type="application/sparql-query")
    assert json.loads(ask.data) == {"head": {}, "boolean": True}
    construct = client.get("/sparql", headers={"Accept": "application/n-triples"},
                           query_string={"query": "CONSTRUCT WHERE { ?d a "
                                                  "<http://www.w3.org/ns/dcat#Dataset> }"})
    assert construct.mimetype == "application/n-triples"
    assert construct.get_data(as_text=True).count(" .\n") == 77


def test_rows_are_capped_by_configuration(sparql_app: Flask, tmp_path: Path) -> None:
    settings = sparql_app.extensions["portal"].settings
    app = create_app(make_settings(settings.instance_path, PORTAL_SPARQL_ROW_CAP="10"))
    response = app.test_client().get("/sparql", query_string={"query": DATASETS})
    assert len(response.get_json()["results"]["bindings"]) == 10
    assert response.headers["X-Result-Truncated"] == "at most 10 rows"


@pytest.mark.parametrize(("data", "message"), [
    ({"query": "SELEC ?x"}, "query: error at"),
    ({"query": "INSERT DATA { <http://a> <http://b> <http://c> }"}, "read-only"),
    ({"update": "DELETE WHERE { ?s ?p ?o }"}, "read-only"),
    ({}, "give a SPARQL query"),
    ({"query": DATASETS, "format": "pdf"}, "format: use one of"),
])
def test_bad_requests_are_400_with_the_reason(client: FlaskClient, data: dict,
                                              message: str) -> None:
    response = client.post("/sparql", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_a_query_past_the_timeout_is_stopped_and_the_worker_stays_healthy(
        sparql_app: Flask) -> None:
    settings = sparql_app.extensions["portal"].settings
    app = create_app(make_settings(settings.instance_path, PORTAL_SPARQL_TIMEOUT="1"))
    client = app.test_client()
    response = client.get("/sparql", query_string={"query": RUNAWAY})
    assert response.status_code == 503
    assert "was stopped" in response.get_data(as_text=True)
    after = client.get("/sparql", query_string={"query": DATASETS})
    assert after.status_code == 200
