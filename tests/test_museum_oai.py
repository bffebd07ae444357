"""The OAI-PMH 2.0 provider, harvested by an independent client (Sickle) over real HTTP, and
its protocol errors, sets, datestamps, deletions and resumption under concurrent writes."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import etree
from sickle import Sickle
from sickle.oaiexceptions import CannotDisseminateFormat, IdDoesNotExist, NoRecordsMatch
from sqlmodel import Session, select
from werkzeug.serving import make_server

from catalog.db import transaction
from catalog.models import AgentKind, CollectionObject, RecordState
from catalog.museum.oai import OAI_NS
from catalog.objects import create_object, set_object_state, update_object
from catalog.services import upsert_agent
from portal.app import create_app
from portal.state import state
from tests.conftest import BASE_URL, make_settings
from tests.records import MUSEUM, museum_object

NS = {"oai": OAI_NS}
LIDO_ROOT = "{http://www.lido-schema.org}lido"
RDF_ROOT = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}RDF"


@pytest.fixture(scope="module")
def demo_url(demo_app: Flask) -> Iterator[str]:
    """The demo portal served over HTTP on a free local port (Sickle speaks HTTP)."""
    server = make_server("127.0.0.1", 0, demo_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/oai"
    server.shutdown()


@pytest.fixture
def small_app(tmp_path: Path, database_url: str) -> Flask:
    """An empty portal (SQLite, then PostgreSQL) answering 7 records per OAI-PMH page, with
    one museum."""
    instance = tmp_path / "instance"
    instance.mkdir()
    app = create_app(make_settings(instance, PORTAL_OAI_PAGE_SIZE="7",
                                   PORTAL_DATABASE_URL=database_url))
    with transaction(state(app).engine) as session:
        upsert_agent(session, MUSEUM, kind=AgentKind.INSTITUTION, base_url=BASE_URL)
    return app


def add_objects(app: Flask, numbers: range, **changes: Any) -> list[int]:
    with transaction(state(app).engine) as session:
        return [create_object(session, museum_object(f"S {n}", **changes),
                              base_url=BASE_URL).id or 0 for n in numbers]


def oai(client: FlaskClient, **arguments: str) -> etree._Element:
    response = client.get("/oai", query_string=arguments)
    assert response.status_code == 200 and response.mimetype == "text/xml"
    return etree.fromstring(response.data)


def error_codes(root: etree._Element) -> list[str]:
    return root.xpath("oai:error/@code", namespaces=NS)


def demo_count(app: Flask) -> int:
    with Session(state(app).engine) as session:
        return len(session.exec(select(CollectionObject.id).where(
            CollectionObject.state == RecordState.PUBLISHED)).all())


@pytest.mark.parametrize("prefix", ["oai_dc", "lido", "edm"])
def test_sickle_harvests_the_whole_demo_register_with_each_format(
        demo_app: Flask, demo_url: str, prefix: str, lido_schema: Any, edm_schema: Any) -> None:
    records = list(Sickle(demo_url).ListRecords(metadataPrefix=prefix))
    identifiers = [r.header.identifier for r in records]
    assert len(identifiers) == len(set(identifiers)) == demo_count(demo_app) > 250  # 2 pages
    for record in records:
        metadata = record.xml.find(f"{{{OAI_NS}}}metadata")[0]
        if prefix == "lido":
            assert metadata.tag == LIDO_ROOT and lido_schema.validate(metadata)
        elif prefix == "edm":
            assert metadata.tag == RDF_ROOT and edm_schema.validate(metadata)
        else:
            assert record.metadata["title"]


def test_sickle_harvests_with_post_and_reads_identify_formats_and_sets(demo_url: str) -> None:
    sickle = Sickle(demo_url, http_method="POST")
    identify = sickle.Identify()
    assert (identify.protocolVersion, identify.deletedRecord, identify.granularity) == (
        "2.0", "persistent", "YYYY-MM-DDThh:mm:ssZ")
    assert identify.baseURL == f"{BASE_URL}/oai"
    assert {f.metadataPrefix for f in sickle.ListMetadataFormats()} == {"oai_dc", "lido", "edm"}
    specs = {s.setSpec for s in sickle.ListSets()}
    assert "oblastni-galerie-liberec" in specs
    assert "severoceske-muzeum-v-liberci:uzite-umeni" in specs  # a sub-collection
    headers = list(sickle.ListIdentifiers(metadataPrefix="oai_dc",
                                          set="oblastni-galerie-liberec"))
    assert len(headers) == 65
    assert all("oblastni-galerie-liberec" in h.setSpecs for h in headers)
    part = list(sickle.ListIdentifiers(metadataPrefix="lido",
                                       set="severoceske-muzeum-v-liberci:uzite-umeni"))
    assert 0 < len(part) < 65
    record = sickle.GetRecord(identifier=headers[0].identifier, metadataPrefix="lido")
    assert record.header.identifier == headers[0].identifier
    with pytest.raises(CannotDisseminateFormat):
        sickle.GetRecord(identifier=headers[0].identifier, metadataPrefix="marc21")
    with pytest.raises(IdDoesNotExist):
        sickle.GetRecord(identifier=f"{BASE_URL}/objects/0", metadataPrefix="lido")
    with pytest.raises(NoRecordsMatch):
        list(sickle.ListIdentifiers(metadataPrefix="oai_dc", **{"from": "2999-01-01"}))


def test_from_and_until_select_by_datestamp_inclusively(small_app: Flask) -> None:
    client = small_app.test_client()
    [first] = add_objects(small_app, range(1))
    with transaction(state(small_app).engine) as session:
        obj = session.get(CollectionObject, first)
        stamp = obj.updated_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        day = obj.updated_at.strftime("%Y-%m-%d")
    for arguments in ({"from": stamp}, {"until": stamp}, {"from": day, "until": day}):
        root = oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc", **arguments)
        assert root.xpath("//oai:header/oai:datestamp/text()", namespaces=NS) == [stamp]
    assert error_codes(oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc",
                           until="2000-01-01")) == ["noRecordsMatch"]


def test_withdrawn_objects_stay_as_deleted_records(small_app: Flask) -> None:
    client = small_app.test_client()
    kept, withdrawn = add_objects(small_app, range(2))
    draft = add_objects(small_app, range(5, 6), state="draft")[0]
    with transaction(state(small_app).engine) as session:
        set_object_state(session, withdrawn, RecordState.ARCHIVED)
    root = oai(client, verb="ListRecords", metadataPrefix="lido")
    records = root.xpath("//oai:record", namespaces=NS)
    assert len(records) == 2  # the draft was never disseminated
    deleted = [r for r in records if r.find("oai:header", NS).get("status") == "deleted"]
    assert [d.findtext("oai:header/oai:identifier", namespaces=NS) for d in deleted] == [
        f"{BASE_URL}/objects/{withdrawn}"]
    assert deleted[0].find("oai:metadata", NS) is None
    got = oai(client, verb="GetRecord", metadataPrefix="edm",
              identifier=f"{BASE_URL}/objects/{withdrawn}")
    assert got.xpath("//oai:header/@status", namespaces=NS) == ["deleted"]
    assert error_codes(oai(client, verb="GetRecord", metadataPrefix="edm",
                           identifier=f"{BASE_URL}/objects/{draft}")) == ["idDoesNotExist"]
    assert kept


def test_resumption_survives_concurrent_writes(small_app: Flask) -> None:
    client = small_app.test_client()
    original = add_objects(small_app, range(20))
    seen: list[str] = []
    root = oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc")
    seen += root.xpath("//oai:identifier/text()", namespaces=NS)
    token = root.xpath("string(//oai:resumptionToken)", namespaces=NS)
    assert len(seen) == 7 and token
    # while the harvester pauses: one harvested and one pending record change, one is added
    with transaction(state(small_app).engine) as session:
        update_object(session, original[0], museum_object("S 0", title={"cs": "Nový název"}))
        update_object(session, original[15], museum_object("S 15", title={"cs": "Jiný název"}))
    added = add_objects(small_app, range(100, 101))
    again = oai(client, verb="ListIdentifiers", resumptionToken=token)
    repeat = oai(client, verb="ListIdentifiers", resumptionToken=token)
    assert etree.tostring(again.find("oai:ListIdentifiers", NS)) == etree.tostring(
        repeat.find("oai:ListIdentifiers", NS))  # a token is idempotent
    root = again
    while True:
        seen += root.xpath("//oai:identifier/text()", namespaces=NS)
        token = root.xpath("string(//oai:resumptionToken)", namespaces=NS)
        if not token:
            break
        root = oai(client, verb="ListIdentifiers", resumptionToken=token)
    expected = {f"{BASE_URL}/objects/{i}" for i in original + added}
    assert set(seen) == expected  # nothing lost
    assert seen.count(f"{BASE_URL}/objects/{original[0]}") == 2  # changed after being sent
    assert seen.count(f"{BASE_URL}/objects/{original[15]}") == 1
    assert len(seen) == len(expected) + 1


@pytest.mark.parametrize(("arguments", "code"), [
    ({}, "badVerb"),
    ({"verb": "Harvest"}, "badVerb"),
    ({"verb": ["Identify", "Identify"]}, "badVerb"),
    ({"verb": "Identify", "extra": "1"}, "badArgument"),
    ({"verb": "ListRecords"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": ["lido", "edm"]}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "lido", "from": "27.11.2026"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "lido", "from": "2026-02-30"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "lido", "from": "2026-01-01",
      "until": "2026-01-02T00:00:00Z"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "lido", "from": "2026-02-01",
      "until": "2026-01-01"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "lido", "resumptionToken": "x"}, "badArgument"),
    ({"verb": "GetRecord", "metadataPrefix": "lido"}, "badArgument"),
    ({"verb": "ListRecords", "resumptionToken": "not-a-token"}, "badResumptionToken"),
    ({"verb": "ListIdentifiers", "resumptionToken": "WyJsaWRvIl0"}, "badResumptionToken"),
    ({"verb": "ListSets", "resumptionToken": "abc"}, "badResumptionToken"),
    ({"verb": "ListRecords", "metadataPrefix": "marc21"}, "cannotDisseminateFormat"),
    ({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": "nikde"}, "noRecordsMatch"),
    ({"verb": "ListMetadataFormats", "identifier": "urn:x"}, "idDoesNotExist"),
    ({"verb": "GetRecord", "metadataPrefix": "lido", "identifier": "urn:x"}, "idDoesNotExist"),
])
def test_protocol_errors_are_oai_documents_with_the_right_code(
        demo_client: FlaskClient, arguments: dict[str, Any], code: str) -> None:
    for method in ("get", "post"):
        call = getattr(demo_client, method)
        response = call("/oai", query_string=arguments) if method == "get" else call(
            "/oai", data=arguments)
        assert response.status_code == 200
        root = etree.fromstring(response.data)
        assert error_codes(root) == [code]
        request = root.find("oai:request", NS)
        assert request.text == f"{BASE_URL}/oai"
        if code in ("badVerb", "badArgument"):
            assert dict(request.attrib) == {}


def test_an_empty_repository_has_no_set_hierarchy_and_no_records(client: FlaskClient) -> None:
    assert error_codes(oai(client, verb="ListSets")) == ["noSetHierarchy"]
    assert error_codes(oai(client, verb="ListRecords", metadataPrefix="edm")) == [
        "noRecordsMatch"]
    assert oai(client, verb="Identify").findtext("oai:Identify/oai:deletedRecord",
                                                  namespaces=NS) == "persistent"
