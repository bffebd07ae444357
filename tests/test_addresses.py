"""Atom feeds, the sitemap, and permanent redirects from renamed slugs and from the previous
regional portal's dataset URLs (datalk.cz: /datasets/<ArcGIS item id>_<layer>)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine
from sqlmodel import Session

from catalog.aliases import add_arcgis_alias, arcgis_target, former_slug_target, rename_dataset
from catalog.db import transaction
from catalog.errors import ValidationError
from catalog.models import AgentKind
from catalog.search.indexer import drain_outbox
from catalog.services import create_dataset, upsert_agent
from portal.state import state
from tests.conftest import BASE_URL
from tests.records import PUBLISHER, dataset

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ITEM = "0123456789abcdef0123456789abcdef"


def atom_entries(client: FlaskClient, url: str) -> list[ET.Element]:
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)
    assert feed.find(f"{ATOM}id").text == BASE_URL + url.split("?")[0]
    return feed.findall(f"{ATOM}entry")


def test_feeds_of_all_datasets_a_publisher_and_a_theme(demo_client: FlaskClient) -> None:
    everything = atom_entries(demo_client, "/feeds/datasets.atom?lang=en")
    assert len(everything) == 50
    updated = [e.find(f"{ATOM}updated").text for e in everything]
    assert updated == sorted(updated, reverse=True)
    link = everything[0].find(f"{ATOM}link").get("href")
    assert link.startswith(BASE_URL + "/datasets/")
    assert demo_client.get(link.removeprefix(BASE_URL)).status_code == 200
    region = atom_entries(demo_client, "/feeds/publishers/liberecky-kraj.atom")
    assert 0 < len(region) < 77
    transport = atom_entries(demo_client, "/feeds/themes/TRAN.atom")
    assert transport and all(
        "TRAN" in demo_client.get(e.find(f"{ATOM}link").get("href").removeprefix(BASE_URL)
                                  ).get_data(as_text=True) for e in transport[:3])
    assert demo_client.get("/feeds/themes/NOPE.atom").status_code == 404
    assert demo_client.get("/feeds/publishers/nikdo.atom").status_code == 404
    assert 'type="application/atom+xml"' in demo_client.get("/themes/TRAN").get_data(
        as_text=True)


def test_sitemap_lists_every_published_record(demo_client: FlaskClient) -> None:
    index = ET.fromstring(demo_client.get("/sitemap.xml").data)
    files = [loc.text for loc in index.iter(f"{SITEMAP}loc")]
    assert BASE_URL + "/sitemaps/datasets-1.xml" in files
    urls = []
    for url in files:
        response = demo_client.get(url.removeprefix(BASE_URL))
        assert response.status_code == 200
        urls += [loc.text for loc in ET.fromstring(response.data).iter(f"{SITEMAP}loc")]
    health = demo_client.get("/healthz").get_json()
    assert sum("/datasets/" in u for u in urls) == health["datasets"]
    assert sum("/objects/" in u for u in urls) == health["objects"]
    assert BASE_URL + "/accessibility" in urls
    reuses = demo_client.get("/api/v1/reuses").get_json()["total"]
    assert reuses and sum("/reuses/" in u for u in urls) == reuses + 1  # and the list page
    assert demo_client.get("/sitemaps/objects-99.xml").status_code == 404


def load(engine: Engine, *records: dict) -> None:
    with transaction(engine) as session:
        upsert_agent(session, PUBLISHER, kind=AgentKind.PUBLISHER, base_url=BASE_URL)
        for record in records:
            create_dataset(session, record, base_url=BASE_URL)


def test_renamed_dataset_keeps_its_old_address(engine: Engine) -> None:
    load(engine, dataset("odjezdy"), dataset("jine"))
    with transaction(engine) as session:
        renamed = rename_dataset(session, "odjezdy", "odjezdy-vlaku")
        iri = renamed.iri
    with Session(engine) as session:
        assert former_slug_target(session, "odjezdy") == "odjezdy-vlaku"
        assert former_slug_target(session, "jine") is None
    with transaction(engine) as session:
        rename_dataset(session, "odjezdy-vlaku", "odjezdy")  # and back: no loop
        assert session.get(type(renamed), renamed.id).iri == iri
    with Session(engine) as session:
        assert former_slug_target(session, "odjezdy-vlaku") == "odjezdy"
        assert former_slug_target(session, "odjezdy") is None
    with transaction(engine) as session, pytest.raises(ValidationError, match="already"):
        rename_dataset(session, "odjezdy", "jine")
    with transaction(engine) as session, pytest.raises(ValidationError, match="slug"):
        rename_dataset(session, "odjezdy", "Bad Slug")


def test_previous_portal_addresses_find_harvested_datasets(engine: Engine) -> None:
    load(engine,
         dataset("parkoviste", landing_page=f"https://datalk.cz/datasets/{ITEM}_2"),
         dataset("zastavky", identifiers=[
             f"https://www.arcgis.com/home/item.html?id={ITEM.replace('0', 'f')}&sublayer=1"]),
         dataset("rucne"))
    with transaction(engine) as session:
        add_arcgis_alias(session, "rucne", "a" * 32 + "_0")
    with Session(engine) as session:
        assert arcgis_target(session, f"{ITEM}_2") == "parkoviste"
        assert arcgis_target(session, f"{ITEM}_1") is None
        assert arcgis_target(session, ITEM.replace("0", "f") + "_1") == "zastavky"
        assert arcgis_target(session, "a" * 32 + "_0") == "rucne"
        assert arcgis_target(session, "b" * 32 + "_0") is None


def test_old_addresses_redirect_permanently(app: Flask) -> None:
    engine = state(app).engine
    load(engine, dataset("odjezdy", landing_page=f"https://datalk.cz/datasets/{ITEM}_0"))
    with transaction(engine) as session:
        rename_dataset(session, "odjezdy", "odjezdy-vlaku")
    drain_outbox(engine, state(app).search)
    client = app.test_client()
    moved = client.get("/datasets/odjezdy?lang=en")
    assert moved.status_code == 301 and moved.location == "/datasets/odjezdy-vlaku?lang=en"
    assert client.get("/datasets/odjezdy/distributions/1").location == (
        "/datasets/odjezdy-vlaku/distributions/1")
    datalk = client.get(f"/datasets/{ITEM}_0")
    assert datalk.status_code == 301 and datalk.location == "/datasets/odjezdy-vlaku"
    assert client.get(f"/datasets/{ITEM}_7").status_code == 404
    assert client.get("/datasets/odjezdy-vlaku").status_code == 200
    assert client.get("/datasets/neznama").status_code == 404


def test_cli_renames_a_dataset_and_records_an_old_address(app: Flask) -> None:
    from portal.addresses_cli import alias, rename

    load(state(app).engine, dataset("odjezdy"))
    runner = app.test_cli_runner()
    result = runner.invoke(rename, ["odjezdy", "odjezdy-vlaku"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(alias, ["odjezdy-vlaku", ITEM + "_3"]).exit_code == 0
    client = app.test_client()
    assert client.get("/datasets/odjezdy").location == "/datasets/odjezdy-vlaku"
    assert client.get(f"/datasets/{ITEM}_3").location == "/datasets/odjezdy-vlaku"
    bad = runner.invoke(rename, ["nikdo", "nekdo"])
    assert bad.exit_code == 1 and "nikdo" in bad.output
