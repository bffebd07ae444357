"""``portal dumps build``: every dump is written, readable in its format, replaced atomically,
served under /dumps/ and listed as distributions of the catalog-metadata dataset."""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path
from typing import IO

import jsonschema_rs
import pytest
from flask import Flask
from lxml import etree
from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from sqlalchemy import Engine

from catalog.db import transaction
from catalog.models import AgentKind
from catalog.objects import create_object
from catalog.services import create_dataset, upsert_agent
from portal.api.dumps import DumpSpec, build_dumps
from portal.cli import cli
from portal.config import Settings
from portal.state import state
from tests.conftest import BASE_URL
from tests.records import MUSEUM, PUBLISHER, dataset, museum_object

DCAT_DATASET = URIRef("http://www.w3.org/ns/dcat#Dataset")


@pytest.fixture
def catalog_app(app: Flask) -> Flask:
    with transaction(state(app).engine) as session:
        upsert_agent(session, PUBLISHER, kind=AgentKind.PUBLISHER, base_url=BASE_URL)
        upsert_agent(session, MUSEUM, kind=AgentKind.INSTITUTION, base_url=BASE_URL)
        create_dataset(session, dataset("odjezdy-vlaku"), base_url=BASE_URL)
        create_dataset(session, dataset("prijezdy-vlaku"), base_url=BASE_URL)
        create_object(session, museum_object("S 1"), base_url=BASE_URL)
    return app


def _schema(app: Flask, name: str) -> dict:
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    return {**document["components"]["schemas"][name],
            "$defs": document["components"]["schemas"]}


def _refs_local(schema: dict) -> dict:
    return json.loads(json.dumps(schema).replace("#/components/schemas/", "#/$defs/"))


def test_dumps_build_and_are_listed_in_the_catalog(catalog_app: Flask) -> None:
    result = catalog_app.test_cli_runner().invoke(cli, ["dumps", "build"])
    assert result.exit_code == 0, result.output
    folder = state(catalog_app).settings.dumps_path
    assert folder is not None
    client = catalog_app.test_client()

    lines = gzip.decompress((folder / "datasets.jsonl.gz").read_bytes()).decode().splitlines()
    validator = jsonschema_rs.Draft202012Validator(_refs_local(_schema(catalog_app, "Dataset")))
    records = [json.loads(line) for line in lines]
    for record in records:
        validator.validate(record)
    assert {r["slug"] for r in records} == {"odjezdy-vlaku", "prijezdy-vlaku"}
    rows = list(csv.DictReader(io.StringIO((folder / "datasets.csv").read_text("utf-8"))))
    assert [r["slug"] for r in rows] == ["odjezdy-vlaku", "prijezdy-vlaku"]
    assert rows[0]["formats"] == "CSV" and rows[0]["themes"] == "TRAN"
    for name, fmt in (("catalog.nt.gz", "nt"), ("catalog.ttl.gz", "turtle")):
        graph = Graph().parse(data=gzip.decompress((folder / name).read_bytes()), format=fmt)
        assert len(list(graph.subjects(RDF.type, DCAT_DATASET))) == 2, name
    objects = gzip.decompress((folder / "objects.jsonl.gz").read_bytes()).decode().splitlines()
    assert json.loads(objects[0])["inventory_number"] == "S 1"
    for name in ("objects.lido.xml.gz", "objects.edm.xml.gz"):
        etree.fromstring(gzip.decompress((folder / name).read_bytes()))

    package = client.get("/api/3/action/package_show?id=metadata-katalogu").get_json()["result"]
    urls = {r["url"] for r in package["resources"]}
    assert f"{BASE_URL}/dumps/datasets.jsonl.gz" in urls and len(urls) == 7
    served = client.get("/dumps/datasets.csv")
    assert served.status_code == 200 and served.data == (folder / "datasets.csv").read_bytes()
    assert client.get("/dumps/../portal.sqlite3").status_code == 404
    assert client.get("/dumps/unknown.csv").status_code == 404
    again = catalog_app.test_cli_runner().invoke(cli, ["dumps", "build"])
    assert again.exit_code == 0 and "dataset updated" in again.output  # now it dumps itself


def test_a_failed_build_leaves_the_previous_dump(catalog_app: Flask, tmp_path: Path) -> None:
    settings: Settings = state(catalog_app).settings
    engine: Engine = state(catalog_app).engine

    def good(_engine: Engine, out: IO[bytes], _settings: Settings) -> int:
        out.write(b"complete\n")
        return 1

    def broken(_engine: Engine, out: IO[bytes], _settings: Settings) -> int:
        out.write(b"half of it")
        raise RuntimeError("the database went away")

    build_dumps(engine, settings, (DumpSpec("datasets.csv", {}, "CSV", "text/csv", good),))
    with pytest.raises(RuntimeError):
        build_dumps(engine, settings, (DumpSpec("datasets.csv", {}, "CSV", "text/csv", broken),))
    assert settings.dumps_path is not None
    assert (settings.dumps_path / "datasets.csv").read_bytes() == b"complete\n"
    assert sorted(p.name for p in settings.dumps_path.iterdir()) == ["datasets.csv"]
