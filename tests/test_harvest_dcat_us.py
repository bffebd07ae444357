"""DCAT-US 1.1 data.json (as an ArcGIS Hub publishes it) harvested from a local server:
mapping, template placeholders, the W,S,E,N bounding box, conditional GET and bad documents."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from catalog.models import Agent, Dataset
from catalog.queries import dataset_view
from harvesters.models import JobStatus
from harvesters.runner import run_source
from tests.harvest_fixtures import SETTINGS, Clock, add_agents, add_source, http
from tests.harvest_server import LocalServer, Reply, Request, serve

ITEM = "3f2a9c0e5b7d4e1fa0c6b8d2e4f60718"


def data_json(*datasets: dict[str, Any]) -> bytes:
    return json.dumps({
        "@context": "https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld",
        "@type": "dcat:Catalog",
        "conformsTo": "https://project-open-data.cio.gov/v1.1/schema",
        "describedBy": "https://project-open-data.cio.gov/v1.1/schema/catalog.json",
        "dataset": list(datasets),
    }, ensure_ascii=False).encode()


def hub_dataset(item: str = ITEM, **changes: Any) -> dict[str, Any]:
    """One dataset as ArcGIS Hub writes it (template placeholders included)."""
    dataset: dict[str, Any] = {
        "@type": "dcat:Dataset",
        "identifier": f"https://www.arcgis.com/home/item.html?id={item}&sublayer=0",
        "landingPage": f"https://www.datalk.cz/datasets/{item}_0",
        "title": "Cyklotrasy Libereckého kraje",
        "description": "Síť značených cyklotras v Libereckém kraji.",
        "keyword": ["cyklistika", "doprava", "turistika"],
        "issued": "2021-05-03T08:02:31.000Z",
        "modified": "2026-09-14T12:00:00.000Z",
        "publisher": {"@type": "org:Organization", "name": "{{source}}"},
        "contactPoint": {"@type": "vcard:Contact", "fn": "Oddělení GIS",
                         "hasEmail": "mailto:{{orgContactEmail}}"},
        "accessLevel": "public",
        "spatial": "14.6118,50.5717,15.5365,51.0556",
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "theme": ["Doprava", "Cestovní ruch"],
        "distribution": [
            {"@type": "dcat:Distribution", "title": "CSV", "format": "CSV",
             "mediaType": "text/csv",
             "accessURL": f"https://www.datalk.cz/datasets/{item}_0.csv",
             "downloadURL": f"https://www.datalk.cz/datasets/{item}_0.csv"},
            {"@type": "dcat:Distribution", "title": "GeoJSON", "format": "GeoJSON",
             "mediaType": "application/vnd.geo+json",
             "accessURL": f"https://www.datalk.cz/datasets/{item}_0.geojson"},
            {"@type": "dcat:Distribution", "title": "ArcGIS GeoService",
             "format": "ArcGIS GeoServices REST API",
             "accessURL": "https://services.arcgis.com/abc/FeatureServer/0"},
        ],
    }
    dataset.update(changes)
    return dataset


@pytest.fixture
def server() -> Iterator[LocalServer]:
    yield from serve()


@pytest.fixture
def source(engine: Engine, server: LocalServer) -> LocalServer:
    add_agents(engine)
    add_source(engine, "datalk", "dcat-us", server.url("/data.json"),
               publisher="liberecky-kraj")
    return server


def run(engine: Engine):  # type: ignore[no-untyped-def]
    return run_source(engine, "datalk", http=http(), settings=SETTINGS, clock=Clock())


def test_data_json_is_mapped_with_placeholders_dropped_and_flagged(engine: Engine,
                                                                   source: LocalServer) -> None:
    source.route("/data.json", Reply(data_json(hub_dataset())))
    report = run(engine)
    assert report.status is JobStatus.DONE and report.counts.added == 1
    with Session(engine) as session:
        view = dataset_view(session, "cyklotrasy-libereckeho-kraje")
        placeholders = session.exec(select(Agent).where(Agent.slug == "source")).first()
    dataset = view.dataset
    assert view.publisher.slug == "liberecky-kraj"  # {{source}} is not a publisher
    assert placeholders is None
    assert view.contact is not None and view.contact.email is None
    assert view.contact.name == "Oddělení GIS"
    assert (dataset.bbox_west, dataset.bbox_south, dataset.bbox_east, dataset.bbox_north) == (
        14.6118, 50.5717, 15.5365, 51.0556)
    assert sorted(t.rsplit("/", 1)[1] for t in dataset.themes) == ["ECON", "TRAN"]
    assert dataset.keywords == {"cs": ["cyklistika", "doprava", "turistika"]}
    assert str(dataset.issued) == "2021-05-03" and str(dataset.modified) == "2026-09-14"
    assert dataset.landing_page == f"https://www.datalk.cz/datasets/{ITEM}_0"
    assert dataset.identifiers == [f"https://www.arcgis.com/home/item.html?id={ITEM}&sublayer=0"]
    formats = [d.format.rsplit("/", 1)[1] if d.format else None for d in view.distributions]
    assert formats == ["CSV", "GEOJSON", None]
    assert all(d.license and d.license.endswith("CC_BY_4_0") for d in view.distributions)
    warnings = {i.message for i in report.issues if i.kind == "warning"}
    assert "template placeholder in publisher.name treated as missing" in warnings
    assert "template placeholder in contactPoint.hasEmail treated as missing" in warnings
    assert "distribution format not in the catalog's list: left out" in warnings


def test_an_unchanged_data_json_is_not_read_again(engine: Engine, source: LocalServer) -> None:
    def handler(request: Request) -> Reply:
        if request.headers.get("If-None-Match") == '"hub-1"':
            return Reply(b"", 304)
        return Reply(data_json(hub_dataset()), headers={"ETag": '"hub-1"'})

    source.route("/data.json", handler)
    run(engine)
    report = run(engine)
    assert report.status is JobStatus.DONE
    # 304: the whole feed is as last read, so its one record counts unchanged (not re-parsed).
    assert (report.counts.added, report.counts.unchanged, report.counts.archived) == (0, 1, 0)
    assert source.requests[-1].headers["If-None-Match"] == '"hub-1"'


def test_records_without_identifier_are_item_errors(engine: Engine, source: LocalServer) -> None:
    source.route("/data.json", Reply(data_json(
        hub_dataset(), hub_dataset(identifier="{{id}}", title="A"),
        hub_dataset(identifier=None, title="B"))))
    report = run(engine)
    assert report.status is JobStatus.DONE_WITH_ERRORS
    assert (report.counts.added, report.counts.errored) == (1, 2)
    [error] = [i for i in report.issues if i.kind == "error"]
    assert error.count == 2 and "without identifier" in error.message


@pytest.mark.parametrize("body, message", [
    (b"<!DOCTYPE html><html><body>ArcGIS Hub</body></html>", "not JSON"),
    (b'{"dataset": [{"identifier": "x"', "not JSON"),
    (b'{"@type": "dcat:Catalog"}', "no dataset list"),
])
def test_a_bad_document_fails_the_job_and_keeps_what_was_stored(
        engine: Engine, source: LocalServer, body: bytes, message: str) -> None:
    source.route("/data.json", Reply(data_json(hub_dataset())))
    run(engine)
    source.route("/data.json", Reply(body, headers={"Content-Type": "text/html"}))
    report = run(engine)
    assert report.status is JobStatus.FAILED and message in (report.error or "")
    with Session(engine) as session:
        assert len(session.exec(select(Dataset)).all()) == 1
