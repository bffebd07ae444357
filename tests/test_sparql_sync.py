"""The SPARQL store kept current through the search outbox: a dataset published, edited or
deleted in the editor is seen by /sparql after the drain, without ``portal sparql rebuild``,
and the store then holds what a rebuild would."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph
from rdflib.compare import to_isomorphic

from catalog.models import RecordState
from portal.catalog_commands import sparql_group
from portal.state import state
from tests.publishing import (
    FREQUENCIES,
    THEMES,
    add_distribution,
    create_dataset,
    edit_dataset,
    editor_client,
    set_state,
)
from tests.records import PUBLISHER

SLUG = "odjezdy-autobusu"
FORM = {
    "slug": SLUG,
    "title_cs": "Odjezdy autobusů",
    "title_en": "Bus departures",
    "description_cs": "Plánované odjezdy autobusů.",
    "keywords_cs": "autobusy, jízdní řády",
    "themes": THEMES + "TRAN",
    "places": "Liberec (okres Liberec)",
    "frequency": FREQUENCIES + "DAILY",
    "contact_name": "Odbor dopravy",
    "contact_email": "doprava@kraj.example",
}
CSV = {
    "kind": "url",
    "access_url": "https://data.kraj.example/odjezdy.csv",
    "download_url": "https://data.kraj.example/odjezdy.csv",
    "format": "CSV",
    "licence": "CC-BY-4.0",
}
TITLES = (
    "SELECT ?t WHERE { ?d a <http://www.w3.org/ns/dcat#Dataset> ; "
    "<http://purl.org/dc/terms/title> ?t } ORDER BY ?t"
)
EVERYTHING = "CONSTRUCT WHERE { ?s ?p ?o }"


@pytest.fixture
def built(app: Flask) -> Flask:
    """The app with a store built by a rebuild before anything was published."""
    result = app.test_cli_runner().invoke(sparql_group, ["rebuild"])
    assert result.exit_code == 0, result.output
    return app


def titles(client: FlaskClient) -> list[str]:
    response = client.get("/sparql", query_string={"query": TITLES})
    assert response.status_code == 200, response.get_data(True)
    return [row["t"]["value"] for row in response.get_json()["results"]["bindings"]]


def store_graph(client: FlaskClient) -> Graph:
    response = client.get("/sparql", query_string={"query": EVERYTHING, "format": "nt"})
    assert response.status_code == 200
    return Graph().parse(data=response.get_data(True), format="nt")


def publish(editor: FlaskClient) -> None:
    assert create_dataset(editor, PUBLISHER["slug"], FORM).status_code == 302
    assert add_distribution(editor, SLUG, CSV).status_code == 302
    assert set_state(editor, SLUG, "published").status_code == 302


def test_a_dataset_published_in_the_editor_is_queryable_without_a_rebuild(built: Flask) -> None:
    editor = editor_client(built, "admin@kraj.example", PUBLISHER)
    reader = built.test_client()
    assert titles(reader) == []
    publish(editor)
    assert titles(reader) == ["Bus departures", "Odjezdy autobusů"]


def test_an_edit_replaces_the_datasets_triples(built: Flask) -> None:
    editor = editor_client(built, "admin@kraj.example", PUBLISHER)
    publish(editor)
    edited = {**FORM, "title_cs": "Odjezdy linkových autobusů", "title_en": ""}
    assert edit_dataset(editor, SLUG, edited).status_code == 302
    assert titles(built.test_client()) == ["Odjezdy linkových autobusů"]


def test_a_deleted_dataset_and_its_lone_publisher_leave_the_store(built: Flask) -> None:
    editor = editor_client(built, "admin@kraj.example", PUBLISHER)
    publish(editor)
    assert set_state(editor, SLUG, "archived").status_code == 302
    reader = built.test_client()
    assert titles(reader) == []
    ask = reader.get(
        "/sparql", query_string={"query": "ASK { ?s ?p <https://data.kraj.example/odjezdy.csv> }"}
    )
    assert ask.get_json()["boolean"] is False


def test_after_changes_the_store_holds_what_a_rebuild_would(built: Flask, tmp_path: Path) -> None:
    editor = editor_client(built, "admin@kraj.example", PUBLISHER)
    publish(editor)
    other = {**FORM, "slug": "odjezdy-vlaku", "title_cs": "Odjezdy vlaků", "title_en": ""}
    assert create_dataset(editor, PUBLISHER["slug"], other).status_code == 302
    assert add_distribution(editor, "odjezdy-vlaku", CSV).status_code == 302
    assert set_state(editor, "odjezdy-vlaku", "published").status_code == 302
    assert edit_dataset(editor, SLUG, {**FORM, "keywords_cs": "autobusy"}).status_code == 302
    reader = built.test_client()
    synced = store_graph(reader)
    assert built.test_cli_runner().invoke(sparql_group, ["rebuild"]).exit_code == 0
    rebuilt = store_graph(reader)
    assert len(synced) == len(rebuilt) > 0
    assert to_isomorphic(synced) == to_isomorphic(rebuilt)


def test_without_a_store_the_drain_leaves_it_to_the_first_rebuild(app: Flask) -> None:
    editor = editor_client(app, "admin@kraj.example", PUBLISHER)
    publish(editor)
    assert not state(app).sparql.primary.exists()
    assert app.test_client().get("/sparql", query_string={"query": TITLES}).status_code == 503


def test_changes_a_search_reindex_clears_from_the_outbox_reach_the_store(built: Flask) -> None:
    from catalog.db import transaction
    from catalog.services import set_dataset_state
    from portal.cli import search_reindex

    editor = editor_client(built, "admin@kraj.example", PUBLISHER)
    publish(editor)
    with transaction(state(built).engine) as session:  # queued, not drained
        set_dataset_state(session, SLUG, RecordState.ARCHIVED)
    reader = built.test_client()
    assert titles(reader) == ["Bus departures", "Odjezdy autobusů"]
    assert built.test_cli_runner().invoke(search_reindex).exit_code == 0
    assert titles(reader) == []
