"""Harvested records are owned by their source: the web editor, the CKAN write API and the
curators' pages refuse to change them ("managed by source X") until an editor detaches one;
after that the record stays, and later harvests neither overwrite nor duplicate it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, select

from catalog.accounts.models import AuditEvent, Role
from catalog.accounts.services import principal
from catalog.db import transaction
from catalog.editor.models import DatasetRevision
from catalog.models import Agent, AgentKind, CollectionObject, Dataset, RecordState
from catalog.tokens.services import create_token
from harvesters.models import JobStatus
from harvesters.runner import run_source
from portal.state import state
from tests.accounts import csrf_token, login, make_org, make_user
from tests.harvest_fixtures import SETTINGS, Clock, add_source, http, lido_wrap
from tests.harvest_server import LocalServer, Reply, serve
from tests.records import MUSEUM, PUBLISHER
from tests.test_harvest_dcat_us import data_json, hub_dataset

SLUG = "cyklotrasy-libereckeho-kraje"
OTHER = {"slug": "mesto-turnov", "name": {"cs": "Město Turnov"}}


@pytest.fixture
def server() -> Iterator[LocalServer]:
    yield from serve()


@pytest.fixture
def harvested(app: Flask, server: LocalServer) -> Flask:
    """The app with one dataset harvested from a DCAT-US data.json by the source ``datalk``."""
    make_org(app, PUBLISHER)
    add_source(state(app).engine, "datalk", "dcat-us", server.url("/data.json"),
               publisher="liberecky-kraj")
    server.route("/data.json", Reply(data_json(hub_dataset())))
    assert harvest(app).counts.added == 1
    return app


def harvest(app: Flask, name: str = "datalk"):  # type: ignore[no-untyped-def]
    return run_source(state(app).engine, name, http=http(), settings=SETTINGS, clock=Clock())


def signed_in(app: Flask, email: str, role: Role, org: dict) -> FlaskClient:
    client = app.test_client()
    login(client, make_user(app, email, role=role, org=org))
    client.get("/?lang=en")
    return client


def dataset(app: Flask) -> Dataset:
    with Session(state(app).engine) as session:
        return session.exec(select(Dataset).where(Dataset.slug == SLUG)).one()


def test_the_editor_refuses_every_change_to_a_harvested_dataset(harvested: Flask) -> None:
    editor = signed_in(harvested, "editor@kraj.example", Role.EDITOR, PUBLISHER)
    token = csrf_token(editor, "/editor/")
    page = editor.get(f"/editor/datasets/{SLUG}").get_data(as_text=True)
    assert "Managed by harvest source datalk." in page
    assert f"/editor/datasets/{SLUG}/detach" in page
    assert f"/editor/datasets/{SLUG}/edit" not in page  # no edit link, no state buttons
    form = editor.get(f"/editor/datasets/{SLUG}/edit").get_data(as_text=True)
    assert "Managed by harvest source datalk." in form and 'name="title_cs"' not in form
    attempts = [
        (f"/editor/datasets/{SLUG}/edit", {"title_cs": "Přepsáno", "description_cs": "x"}),
        (f"/editor/datasets/{SLUG}/state", {"state": "archived"}),
        (f"/editor/datasets/{SLUG}/state", {"state": "draft"}),
        (f"/editor/datasets/{SLUG}/distributions/0/remove", {}),
        (f"/editor/datasets/{SLUG}/distributions/new", {"kind": "url",
                                                        "access_url": "https://x.test/a.csv"}),
    ]
    for url, data in attempts:
        response = editor.post(url, data={**data, "csrf_token": token})
        assert response.status_code == 409, url
        assert "harvest source datalk" in response.get_data(as_text=True)
    after = dataset(harvested)
    assert after.title == {"cs": "Cyklotrasy Libereckého kraje"}
    assert after.state == RecordState.PUBLISHED


def test_detach_is_a_csrf_protected_post_for_the_publishers_editors(harvested: Flask) -> None:
    stranger = signed_in(harvested, "town@turnov.example", Role.EDITOR, OTHER)
    url = f"/editor/datasets/{SLUG}/detach"
    assert stranger.post(url, data={"csrf_token": csrf_token(stranger, "/editor/")}
                         ).status_code == 403
    editor = signed_in(harvested, "editor@kraj.example", Role.EDITOR, PUBLISHER)
    assert editor.get(url).status_code == 405
    assert editor.post(url).status_code == 400  # no CSRF token
    with Session(state(harvested).engine) as session:
        assert not session.exec(select(AuditEvent).where(
            AuditEvent.action == "dataset.detach")).all()


def test_a_detached_dataset_is_edited_and_a_later_harvest_neither_overwrites_nor_duplicates_it(
        harvested: Flask, server: LocalServer) -> None:
    editor = signed_in(harvested, "editor@kraj.example", Role.EDITOR, PUBLISHER)
    token = csrf_token(editor, "/editor/")
    detached = editor.post(f"/editor/datasets/{SLUG}/detach", data={"csrf_token": token},
                           follow_redirects=True).get_data(as_text=True)
    assert "detached from the harvest source datalk" in detached
    assert "Managed by harvest source" not in detached
    form = editor.get(f"/editor/datasets/{SLUG}/edit").get_data(as_text=True)
    assert 'name="title_cs"' in form
    saved = editor.post(f"/editor/datasets/{SLUG}/edit", data={
        "csrf_token": token, "title_cs": "Cyklotrasy (opraveno)",
        "description_cs": "Upravený popis.", "publisher": "liberecky-kraj"})
    assert saved.status_code == 302, saved.get_data(as_text=True)
    # The source changes the record (and keeps serving it): the next runs leave it alone.
    server.route("/data.json", Reply(data_json(hub_dataset(title="Cyklotrasy NOVĚ"))))
    report = harvest(harvested)
    assert report.status is JobStatus.DONE
    assert (report.counts.added, report.counts.updated, report.counts.unchanged) == (0, 0, 1)
    with Session(state(harvested).engine) as session:
        datasets = session.exec(select(Dataset)).all()
        actions = [r.action for r in session.exec(select(DatasetRevision).order_by(
            DatasetRevision.number))]
        audit = session.exec(select(AuditEvent).where(
            AuditEvent.action == "dataset.detach")).one()
    assert [(d.slug, d.title["cs"]) for d in datasets] == [(SLUG, "Cyklotrasy (opraveno)")]
    assert actions == ["detach", "edit"] and audit.detail == {"source": "datalk"}
    # Gone at the source: a detached record is not archived by the harvester either.
    server.route("/data.json", Reply(data_json(hub_dataset(item="0" * 32, title="Jiná"))))
    harvest(harvested)
    assert dataset(harvested).state == RecordState.PUBLISHED
    history = editor.get(f"/editor/datasets/{SLUG}/history").get_data(as_text=True)
    assert "detached from its harvest source" in history


def api(client: FlaskClient, name: str, secret: str, body: dict) -> tuple[int, dict]:
    response = client.post(f"/api/3/action/{name}", data=json.dumps(body),
                           content_type="application/json", headers={"Authorization": secret})
    return response.status_code, response.get_json()


def test_the_ckan_write_api_refuses_a_harvested_dataset_naming_its_source(
        harvested: Flask) -> None:
    user = make_user(harvested, "admin@kraj.example", role=Role.ADMIN, org=PUBLISHER)
    with transaction(state(harvested).engine) as session:
        agent = session.get(Agent, session.exec(select(Dataset)).one().publisher_id)
        secret = create_token(session, principal(session, user), name="w", scope="write",
                              days=30, publishers=[agent]).secret
    client = harvested.test_client()
    for name, body in (("package_patch", {"id": SLUG, "title": "Přepsáno"}),
                       ("package_update", {"id": SLUG, "name": SLUG, "title": "Přepsáno",
                                           "owner_org": "liberecky-kraj"}),
                       ("package_delete", {"id": SLUG})):
        status, envelope = api(client, name, secret, body)
        assert status == 403, (name, envelope)
        assert envelope["success"] is False
        assert envelope["error"]["__type"] == "Authorization Error"
        assert "managed by harvest source 'datalk'" in envelope["error"]["message"]
    after = dataset(harvested)
    assert after.title == {"cs": "Cyklotrasy Libereckého kraje"}
    assert after.state == RecordState.PUBLISHED
    editor = harvested.test_client()
    login(editor, user)
    editor.post(f"/editor/datasets/{SLUG}/detach",
                data={"csrf_token": csrf_token(editor, "/editor/")})
    status, envelope = api(client, "package_patch", secret, {"id": SLUG, "title": "Opraveno"})
    assert status == 200 and envelope["result"]["title"] == "Opraveno"


def test_curators_cannot_change_a_harvested_object_until_they_detach_it(
        app: Flask, tmp_path: Path) -> None:
    make_org(app, MUSEUM, AgentKind.INSTITUTION)
    path = tmp_path / "export.xml"
    path.write_bytes(lido_wrap(range(1, 3)))
    add_source(state(app).engine, "soubor", "lido", str(path), publisher=MUSEUM["slug"])
    assert harvest(app, "soubor").counts.added == 2
    with Session(state(app).engine) as session:
        obj = session.exec(select(CollectionObject).order_by(CollectionObject.id)).first()
    assert obj is not None
    curator = signed_in(app, "kuratorka@muzeumlb.cz", Role.CURATOR, MUSEUM)
    token = csrf_token(curator, f"/curator/{MUSEUM['slug']}")
    listing = curator.get(f"/curator/{MUSEUM['slug']}").get_data(as_text=True)
    assert listing.count("Harvested from soubor") == 2
    page = curator.get(f"/curator/objects/{obj.id}/edit").get_data(as_text=True)
    assert "Managed by harvest source soubor." in page and 'name="title_cs"' not in page
    refused = curator.post(f"/curator/objects/{obj.id}/edit", data={
        "csrf_token": token, "title_cs": "Přepsáno", "object_type": "číše",
        "inventory_number": obj.inventory_number})
    assert refused.status_code == 409
    assert curator.post(f"/curator/objects/{obj.id}/state", data={
        "csrf_token": token, "action": "withdraw"}).status_code == 409
    curator.post(f"/curator/objects/{obj.id}/detach", data={"csrf_token": token})
    saved = curator.post(f"/curator/objects/{obj.id}/edit", data={
        "csrf_token": token, "title_cs": "Číše (opraveno)", "object_type": "číše",
        "inventory_number": obj.inventory_number})
    assert saved.status_code == 302, saved.get_data(as_text=True)
    path.write_bytes(lido_wrap(range(1, 3)).replace("Broušená".encode(), "Nová".encode()))
    report = harvest(app, "soubor")
    assert (report.counts.added, report.counts.updated, report.counts.unchanged) == (0, 1, 1)
    with Session(state(app).engine) as session:
        titles = [o.title["cs"] for o in session.exec(select(CollectionObject).order_by(
            CollectionObject.id))]
    assert titles == ["Číše (opraveno)", "Nová číše č. 2"]
