"""Each museum's collection as a dataset of the catalog: LIDO and EDM dump distributions and the
OAI-PMH endpoint as a dcat:DataService, in the catalog's DCAT-AP RDF."""

from __future__ import annotations

import rdflib
from flask import Flask
from lxml import etree

from catalog.accounts.models import Role
from catalog.db import transaction
from catalog.models import AgentKind
from catalog.objects import create_object
from portal.museum_cli import datasets
from portal.state import state
from tests.accounts import csrf_token, login, make_org, make_user
from tests.conftest import BASE_URL
from tests.records import MUSEUM, PUBLISHER, museum_object

SLUG = f"sbirka-{MUSEUM['slug']}"
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
RDF_TYPE = rdflib.RDF.type


def test_the_command_publishes_one_dataset_per_museum_with_dumps_and_the_oai_service(
        app: Flask) -> None:
    make_org(app, PUBLISHER)
    make_org(app, MUSEUM, AgentKind.INSTITUTION)
    with transaction(state(app).engine) as session:
        create_object(session, museum_object("S 1"), base_url=BASE_URL)
        create_object(session, museum_object("S 2"), base_url=BASE_URL)
    runner = app.test_cli_runner()
    first = runner.invoke(datasets)
    assert first.exit_code == 0 and f"{SLUG}: created" in first.output
    assert f"{SLUG}: unchanged" in runner.invoke(datasets).output
    client = app.test_client()
    graph = rdflib.Graph().parse(data=client.get(f"/datasets/{SLUG}.ttl").data, format="turtle")
    dataset = next(graph.subjects(RDF_TYPE, DCAT.Dataset))
    downloads = {str(graph.value(d, DCAT.downloadURL))
                 for d in graph.objects(dataset, DCAT.distribution)}
    page = f"{BASE_URL}/institutions/{MUSEUM['slug']}"
    assert {f"{page}/objects.lido.xml", f"{page}/objects.edm.xml"} <= downloads
    services = {graph.value(d, DCAT.accessService)
                for d in graph.objects(dataset, DCAT.distribution)} - {None}
    [service] = services
    assert str(graph.value(service, DCAT.endpointURL)) == f"{BASE_URL}/oai"
    lido = client.get(f"/institutions/{MUSEUM['slug']}/objects.lido.xml")
    assert len(etree.fromstring(lido.data)) == 2


def test_without_the_configured_publisher_the_command_says_which_setting(app: Flask) -> None:
    make_org(app, MUSEUM, AgentKind.INSTITUTION)
    with transaction(state(app).engine) as session:
        create_object(session, museum_object("S 1"), base_url=BASE_URL)
    result = app.test_cli_runner().invoke(datasets)
    assert result.exit_code == 1 and "PORTAL_MUSEUM_DATASET_PUBLISHER" in result.output


def test_a_curators_first_publication_creates_the_collection_dataset(app: Flask) -> None:
    make_org(app, PUBLISHER)
    museum = make_org(app, MUSEUM, AgentKind.INSTITUTION)
    with transaction(state(app).engine) as session:
        draft = create_object(session, museum_object("S 1", state="draft"), base_url=BASE_URL)
    client = app.test_client()
    assert client.get(f"/datasets/{SLUG}").status_code == 404
    login(client, make_user(app, "k@muzeum.cz", role=Role.CURATOR, org=museum))
    client.post(f"/curator/objects/{draft.id}/state", data={
        "action": "publish", "csrf_token": csrf_token(client, "/account/login")})
    assert client.get(f"/datasets/{SLUG}").status_code == 200
