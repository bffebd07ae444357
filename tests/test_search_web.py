"""Search as visitors meet it on the demo catalog: one query over every kind, Czech inflection,
typos and synonyms, the new facets, suggestions, and a plain database fallback with a notice
(and /healthz "degraded") when the index is stopped mid-test."""

from __future__ import annotations

import shutil
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from portal.cli import search_reindex
from portal.state import state


def test_one_query_finds_datasets_publishers_museums_objects_and_locations(
        demo_client: FlaskClient) -> None:
    page = demo_client.get("/search?q=liberec").get_data(as_text=True)
    for kind in ("kind=dataset", "kind=object", "kind=publisher", "kind=institution",
                 "kind=location"):
        assert kind in page
    only = demo_client.get("/search?q=nadrazi&kind=location").get_data(as_text=True)
    assert "/wifi/liberec-hlavni-nadrazi" in only and "/datasets/" not in only


def test_inflected_and_misspelt_czech_finds_the_dictionary_form(
        demo_client: FlaskClient) -> None:
    assert "/institutions/severoceske-muzeum-v-liberci" in demo_client.get(
        "/search?q=muzeích&kind=institution").get_data(as_text=True)
    assert "/datasets/aed-defibrilatory" in demo_client.get(
        "/datasets?q=defibrilatro").get_data(as_text=True)
    assert "/datasets/jizdni-rady-idol-gtfs" in demo_client.get(
        "/datasets?q=MHD").get_data(as_text=True), "a synonym from the configuration file"


def test_object_facets_material_and_period_filter_and_count(demo_client: FlaskClient) -> None:
    page = demo_client.get("/objects?material=sklo&period=1801-1900").get_data(as_text=True)
    assert 'name="material" value="sklo" checked' in page
    assert 'name="period" value="1801-1900" checked' in page
    assert "1801–1900" in page


def test_suggest_returns_at_most_ten_titles_with_links(demo_client: FlaskClient) -> None:
    body = demo_client.get("/api/search/suggest?q=nadr").get_json()
    assert 0 < len(body["suggestions"]) <= 10 and body["degraded"] is False
    assert any(s["url"] == "/wifi/liberec-hlavni-nadrazi" for s in body["suggestions"])
    assert demo_client.get("/api/search/suggest?q=").get_json()["suggestions"] == []
    assert demo_client.get("/api/search/suggest?q=" + "x" * 600).status_code == 400


def test_stopped_index_falls_back_to_the_database_with_a_notice(
        tmp_path: Path, demo_app: Flask) -> None:
    # A copy of the demo app's instance, so the shared demo index stays intact.
    from portal.app import create_app
    from tests.conftest import make_settings

    instance = tmp_path / "instance"
    shutil.copytree(state(demo_app).settings.instance_path, instance)
    app = create_app(make_settings(instance))
    client = app.test_client()
    assert client.get("/healthz").get_json()["status"] == "ok"
    assert "Odjezdy vlaků" in client.get("/search?q=odjezdy").get_data(as_text=True)

    shutil.rmtree(state(app).settings.search_path)  # the index stops answering mid-test
    page = client.get("/search?q=odjezdy")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'class="notice"' in text and "Odjezdy vlaků" in text
    assert client.get("/datasets?q=nádraží&page=1").status_code == 200
    assert client.get("/api/search/suggest?q=odjezdy").get_json()["degraded"] is True
    health = client.get("/healthz")
    assert health.status_code == 200 and health.get_json()["status"] == "degraded"

    assert app.test_cli_runner().invoke(search_reindex).exit_code == 0
    assert client.get("/healthz").get_json()["status"] == "ok"
    assert 'class="notice"' not in client.get("/search?q=odjezdy").get_data(as_text=True)


def test_snippets_follow_the_page_language(demo_client: FlaskClient) -> None:
    page = demo_client.get("/datasets?q=departures&lang=en").get_data(as_text=True)
    assert "<mark>departure</mark> board" in page


def test_a_request_that_commits_a_change_updates_the_index_after_its_response(
        app: Flask) -> None:
    from catalog.db import transaction
    from catalog.models import AgentKind
    from catalog.search.base import SearchQuery
    from catalog.services import create_dataset, upsert_agent
    from tests.conftest import BASE_URL
    from tests.records import PUBLISHER, dataset

    portal = state(app)
    with app.test_request_context("/"):
        with transaction(portal.engine) as session:  # what a write view does
            upsert_agent(session, PUBLISHER, kind=AgentKind.PUBLISHER, base_url=BASE_URL)
            create_dataset(session, dataset(), base_url=BASE_URL)
        response = app.process_response(app.response_class("ok"))
    response.close()  # the response has been sent: the drain runs now
    assert portal.search.search(SearchQuery(text="odjezdy vlaku")).total == 1


def test_a_listing_without_facets_offers_no_empty_filter_form(demo_client: FlaskClient) -> None:
    bare = demo_client.get("/search?kind=reuse").get_data(as_text=True)
    assert 'class="listing no-facets"' in bare
    assert 'id="filters"' not in bare and 'href="#filters"' not in bare
    faceted = demo_client.get("/datasets").get_data(as_text=True)
    assert 'id="filters"' in faceted and 'href="#filters"' in faceted


def test_a_listing_filtered_by_publisher_reads_agents_in_one_query(demo_app: Flask) -> None:
    """The publisher named by the filter is checked and the publisher facet labelled from
    one read of the agents."""
    from sqlalchemy import event

    statements: list[str] = []

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    engine = state(demo_app).engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        page = demo_app.test_client().get("/datasets?publisher=liberecky-kraj")
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert page.status_code == 200 and "Liberecký kraj" in page.get_data(as_text=True)
    agent_reads = [s for s in statements if "FROM agent" in s]
    assert len(agent_reads) == 1, agent_reads


def test_the_database_fallback_finds_published_reuses_only(demo_app: Flask) -> None:
    from catalog.accounts.services import principal
    from catalog.db import transaction
    from catalog.reuses import services
    from catalog.search.base import KINDS, SearchQuery
    from catalog.search.fallback import database_search
    from tests.accounts import make_user

    engine = state(demo_app).engine
    with transaction(engine) as session:
        user = principal(session, make_user(engine, "fallback-reuse@example.test"))
        pending = services.submit(session, user, {
            "type": "idea", "title": "Nápad na displeji zastávek",
            "description": "Zatím neschváleno.", "url": "https://napad.example/",
            "datasets": ["jizdni-rady-idol-gtfs"]})
    try:
        with transaction(engine) as session:
            found = database_search(session, SearchQuery(text="displeji", kinds=KINDS))
            assert [(h.kind, h.title) for h in found.hits] == [
                ("reuse", {"cs": "Odjezdy IDOL na displeji v čekárně"})]
            assert found.kind_counts == {"reuse": 1} and found.total == 1
            datasets_only = database_search(session, SearchQuery(text="displeji",
                                                                 kinds=("dataset",)))
            assert datasets_only.hits == [] and datasets_only.kind_counts == {"reuse": 1}
            filtered = database_search(session, SearchQuery(
                text="displeji", kinds=KINDS, filters={"publisher": ("liberecky-kraj",)}))
            assert filtered.hits == [] and filtered.kind_counts == {}
            english = database_search(session, SearchQuery(text="free p+r", kinds=("reuse",)))
            assert [h.title for h in english.hits] == [
                {"en": "Free P+R spaces in Liberec as a JSON API"}]
    finally:
        with transaction(engine) as session:  # the demo app is shared: leave it as it was
            services.moderate(session, principal(session, make_user(
                engine, "fallback-root@example.test", sysadmin=True)), pending.id or 0,
                {"decision": "rejected", "note": "test"})
