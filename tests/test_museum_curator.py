"""The curators' web workflow: upload, watch the check, review the report, publish all or only
the valid records, withdraw and edit; and that only a museum's own curators can change it."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, select

from catalog.accounts.models import Role
from catalog.db import transaction
from catalog.models import Agent, AgentKind, CollectionObject, RecordState
from catalog.museum.csv_import import COLUMNS
from catalog.objects import create_object
from portal.state import state
from portal.web.curator import runner
from tests.accounts import csrf_token, login, make_org, make_user
from tests.conftest import BASE_URL, app_on_copy
from tests.records import MUSEUM, PUBLISHER, museum_object

OTHER_MUSEUM = {"slug": "muzeum-ceskeho-raje", "name": {"cs": "Muzeum Českého ráje v Turnově"}}
HEADER = ";".join(c.header for c in COLUMNS)


def line(inventory: str, title: str = "Džbán", measurements: str = "") -> str:
    cells = {c.key: "" for c in COLUMNS}
    cells.update(inventory=inventory, title=title, measurements=measurements, rights="CC0-1.0")
    return ";".join(cells[c.key] for c in COLUMNS)


CSV = "\r\n".join([HEADER, line("H 1"), line("H 2", measurements="obrovský"), line("H 3")])


@pytest.fixture
def museums(app: Flask) -> tuple[Agent, Agent]:
    return (make_org(app, MUSEUM, AgentKind.INSTITUTION),
            make_org(app, OTHER_MUSEUM, AgentKind.INSTITUTION))


@pytest.fixture
def curator(app: Flask, client: FlaskClient, museums: tuple[Agent, Agent]) -> FlaskClient:
    login(client, make_user(app, "kuratorka@muzeumlb.cz", role=Role.CURATOR, org=museums[0]))
    client.get("/?lang=en")  # the pages in English from now on (a cookie)
    return client


def objects(app: Flask) -> list[CollectionObject]:
    with Session(state(app).engine) as session:
        return list(session.exec(select(CollectionObject).order_by(CollectionObject.id)))


def upload(client: FlaskClient, app: Flask, data: bytes, name: str = "predmety.csv",
           slug: str = MUSEUM["slug"]) -> str:
    response = client.post(f"/curator/{slug}/imports", data={
        "csrf_token": csrf_token(client, f"/curator/{slug}"),
        "file": (io.BytesIO(data), name)}, content_type="multipart/form-data")
    assert response.status_code == 302, response.data
    runner(app).wait()
    return response.headers["Location"]


def test_a_curator_uploads_reviews_and_publishes_the_valid_records(
        app: Flask, curator: FlaskClient) -> None:
    page_url = upload(curator, app, CSV.encode("cp1250"))
    page = curator.get(page_url).get_data(as_text=True)
    assert "3 records read: 2 valid, 1 invalid" in page
    assert re.search(r"<td>3</td><td>rozměry</td><td><strong>Error:</strong> "
                     r"&#39;obrovský&#39;", page)
    assert "Windows-1250" in page
    assert objects(app) == []  # nothing before the review
    publish_url = page_url + "/publish"
    refused = curator.post(publish_url, data={"mode": "all", "csrf_token": csrf_token(
        curator, page_url)}, follow_redirects=True)
    assert "1 record(s) are invalid" in refused.get_data(as_text=True) and objects(app) == []
    done = curator.post(publish_url, data={"mode": "valid", "csrf_token": csrf_token(
        curator, page_url)}, follow_redirects=True)
    assert "2 records were published." in done.get_data(as_text=True)
    published = objects(app)
    assert [o.inventory_number for o in published] == ["H 1", "H 3"]
    assert curator.get(f"/objects/{published[0].id}").status_code == 200


def test_a_curator_withdraws_publishes_and_edits_a_record(app: Flask, curator: FlaskClient,
                                                          museums: tuple[Agent, Agent]) -> None:
    with transaction(state(app).engine) as session:
        first = create_object(session, museum_object("S 1"), base_url=BASE_URL).id
        create_object(session, museum_object("S 2"), base_url=BASE_URL)
    token = csrf_token(curator, f"/curator/{MUSEUM['slug']}")
    curator.post(f"/curator/objects/{first}/state", data={"action": "withdraw",
                                                          "csrf_token": token})
    assert objects(app)[0].state == RecordState.ARCHIVED
    assert curator.get(f"/objects/{first}").status_code == 404
    curator.post(f"/curator/objects/{first}/state", data={"action": "publish",
                                                          "csrf_token": token})
    assert objects(app)[0].state == RecordState.PUBLISHED
    form = {"title_cs": "Secesní váza (opraveno)", "object_type": "váza",
            "inventory_number": "S 1", "materials": "sklo; cín", "earliest_year": "1890",
            "latest_year": "1910", "rights": "http://creativecommons.org/licenses/by/4.0/",
            "csrf_token": token}
    saved = curator.post(f"/curator/objects/{first}/edit", data=form, follow_redirects=True)
    assert "Saved." in saved.get_data(as_text=True)
    obj = objects(app)[0]
    assert (obj.title["cs"], obj.materials, obj.earliest_year) == (
        "Secesní váza (opraveno)", ["sklo", "cín"], 1890)
    assert obj.measurements == [{"type": "výška", "value": 24.5, "unit": "cm"}]  # kept
    clash = curator.post(f"/curator/objects/{first}/edit", data={**form,
                                                                "inventory_number": "S 2"})
    assert clash.status_code == 400 and "belongs to object" in clash.get_data(as_text=True)
    backwards = curator.post(f"/curator/objects/{first}/edit", data={
        **form, "earliest_year": "1950"})
    assert backwards.status_code == 400
    assert objects(app)[0].inventory_number == "S 1" and objects(app)[0].earliest_year == 1890


def test_only_curators_of_the_museum_can_change_its_records(
        app: Flask, client: FlaskClient, museums: tuple[Agent, Agent]) -> None:
    with transaction(state(app).engine) as session:
        theirs = create_object(session, museum_object(
            "T 1", institution=OTHER_MUSEUM["slug"]), base_url=BASE_URL).id
    other = OTHER_MUSEUM["slug"]
    assert client.get(f"/curator/{other}").status_code == 302  # not signed in: sign in first
    for user in (make_user(app, "kurator@muzeumlb.cz", role=Role.CURATOR, org=museums[0]),
                 make_user(app, "editor@kraj.cz", role=Role.EDITOR, org=PUBLISHER)):
        login(client, user)
        token = csrf_token(client, "/account/login")
        assert client.get(f"/curator/{other}").status_code == 403
        assert client.post(f"/curator/{other}/imports", data={
            "csrf_token": token, "file": (io.BytesIO(CSV.encode()), "x.csv")},
            content_type="multipart/form-data").status_code == 403
        assert client.post(f"/curator/objects/{theirs}/state", data={
            "action": "withdraw", "csrf_token": token}).status_code == 403
        assert client.get(f"/curator/objects/{theirs}/edit").status_code == 403
        assert client.post(f"/curator/objects/{theirs}/edit", data={
            "title_cs": "Cizí", "csrf_token": token}).status_code == 403
    assert objects(app)[0].state == RecordState.PUBLISHED
    assert objects(app)[0].title["cs"] == "Secesní váza s motivem leknínů"


def test_an_upload_of_another_museum_cannot_be_seen_or_published(
        app: Flask, client: FlaskClient, museums: tuple[Agent, Agent]) -> None:
    login(client, make_user(app, "a@muzeum.cz", role=Role.CURATOR, org=museums[1]))
    page_url = upload(client, app, CSV.encode(), slug=OTHER_MUSEUM["slug"])
    login(client, make_user(app, "b@muzeum.cz", role=Role.CURATOR, org=museums[0]))
    assert client.get(page_url).status_code == 403
    assert client.post(page_url + "/publish", data={
        "mode": "valid", "csrf_token": csrf_token(client, "/account/login")}).status_code == 403
    assert objects(app) == []


def test_a_refused_file_shows_why_and_offers_nothing_to_publish(app: Flask,
                                                                curator: FlaskClient) -> None:
    page_url = upload(curator, app, b"<!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>", "x.xml")
    page = curator.get(page_url).get_data(as_text=True)
    assert "The file was refused:" in page and "DOCTYPE" in page
    assert "/publish" not in page


def test_the_csv_template_and_its_documentation_are_public(client: FlaskClient) -> None:
    template = client.get("/museum/csv-template.csv")
    assert template.mimetype == "text/csv"
    assert template.data.decode("utf-8-sig").startswith("inventární číslo;přírůstkové číslo;název")
    help_page = client.get("/museum/csv").get_data(as_text=True)
    assert all(c.header in help_page for c in COLUMNS)


def test_a_curator_registers_the_museums_oai_pmh_system_for_harvest(
        app: Flask, curator: FlaskClient, museums: tuple[Agent, Agent]) -> None:
    from harvesters.models import HarvestSource

    token = csrf_token(curator, f"/curator/{MUSEUM['slug']}")
    bad = curator.post(f"/curator/{MUSEUM['slug']}/sources", data={
        "url": "ftp://muzeum.example/oai", "csrf_token": token}, follow_redirects=True)
    assert "url: must be an http(s) URL" in bad.get_data(as_text=True)
    curator.post(f"/curator/{MUSEUM['slug']}/sources", data={
        "url": "https://katalog.muzeumlb.cz/oai", "metadata_prefix": "lido",
        "set_spec": "sbirka:umeni", "schedule": "weekly", "csrf_token": token})
    assert curator.post(f"/curator/{OTHER_MUSEUM['slug']}/sources", data={
        "url": "https://cizi.example/oai", "csrf_token": token}).status_code == 403
    with Session(state(app).engine) as session:
        sources = session.exec(select(HarvestSource)).all()
    assert [(s.type, s.url, s.publisher, s.metadata_prefix, s.set_spec, s.schedule)
            for s in sources] == [("oai-pmh", "https://katalog.muzeumlb.cz/oai",
                                   MUSEUM["slug"], "lido", "sbirka:umeni", "weekly")]
    assert "https://katalog.muzeumlb.cz/oai" in curator.get(
        f"/curator/{MUSEUM['slug']}").get_data(as_text=True)


def test_an_upload_larger_than_the_app_request_limit_is_accepted_up_to_the_curator_cap(
        app: Flask, curator: FlaskClient) -> None:
    """The app refuses request bodies over 16 MB; a curator's upload may be up to its own cap
    (200 MB by default), streamed to a file rather than held in memory."""
    assert app.config["MAX_CONTENT_LENGTH"] == 16 * 1024 * 1024
    data = (HEADER + "\r\n").encode() + b"x" * (17 * 1024 * 1024)
    page_url = upload(curator, app, data)
    page = curator.get(page_url)
    assert page.status_code == 200, page.data
    assert "Upload predmety.csv" in page.get_data(as_text=True)


def test_an_upload_over_the_curator_cap_is_refused_naming_it(
        tmp_path: Path, sqlite_template: Path) -> None:
    app = app_on_copy(tmp_path / "instance", sqlite_template,
                      PORTAL_MUSEUM_UPLOAD_MAX_BYTES=str(20 * 1024 * 1024))
    make_org(app, MUSEUM, AgentKind.INSTITUTION)
    client = app.test_client()
    login(client, make_user(app, "kuratorka@muzeumlb.cz", role=Role.CURATOR, org=MUSEUM))
    client.get("/?lang=en")
    response = client.post(f"/curator/{MUSEUM['slug']}/imports", data={
        "csrf_token": csrf_token(client, f"/curator/{MUSEUM['slug']}"),
        "file": (io.BytesIO(b"x" * (21 * 1024 * 1024)), "predmety.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 413
    assert "The file is larger than 20 MB. Nothing was saved." in response.get_data(as_text=True)
    assert objects(app) == []
