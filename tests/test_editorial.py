"""Editorial content: pages, news for a Wi-Fi location, events and flagship projects, with
sanitized Markdown and Atom feeds."""

from __future__ import annotations

from xml.etree import ElementTree as ET

import pytest
from flask import Flask
from sqlalchemy import Engine
from sqlmodel import select

from captive_portal.demo import load_locations
from captive_portal.models import WifiLocation
from catalog.accounts.models import Role
from catalog.accounts.services import principal
from catalog.db import transaction
from catalog.editorial import services
from catalog.editorial.markdown import to_html
from catalog.editorial.models import ItemKind
from catalog.errors import ValidationError
from catalog.models import RecordState
from catalog.permissions import NotAuthorized
from tests.accounts import login, make_org, make_user, post_form
from tests.records import PUBLISHER

ATOM = "{http://www.w3.org/2005/Atom}"


def test_markdown_is_sanitized() -> None:
    html = to_html("**tučně** <script>alert(1)</script> [x](javascript:alert(1)) "
                   "[ok](https://kraj-lbc.cz) <img src=x onerror=alert(1)>")
    assert "<strong>tučně</strong>" in html
    assert "<script" not in html and "<img" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as text
    assert '<a href="https://kraj-lbc.cz" rel="nofollow noopener">ok</a>' in html


def test_news_for_a_wifi_location_and_permissions(engine: Engine) -> None:
    region = make_org(engine, PUBLISHER)
    editor = make_user(engine, "e@kraj.example", role=Role.EDITOR, org=region)
    outsider = make_user(engine, "x@example.test")
    with transaction(engine) as session:
        assert list(load_locations(session))
    with transaction(engine) as session:
        locations = {loc.slug: loc.id or 0 for loc in session.exec(select(WifiLocation))}
        slug = next(iter(locations))
        actor = principal(session, editor)
        services.save_item(session, actor, {
            "kind": "news", "slug": "vyluka", "organisation": region.slug,
            "title": {"cs": "Výluka", "en": "Closure"}, "body": {"cs": "Text"},
            "wifi_location": slug}, location_ids=locations)
        services.set_state(session, actor, ItemKind.NEWS, "vyluka", RecordState.PUBLISHED)
        news = services.news_for_location(session, locations[slug])
        assert [n.slug for n in news] == ["vyluka"]
        with pytest.raises(ValidationError, match="Wi-Fi location"):
            services.save_item(session, actor, {
                "kind": "news", "slug": "jinde", "organisation": region.slug,
                "title": {"cs": "X"}, "wifi_location": "nikde"}, location_ids=locations)
        with pytest.raises(NotAuthorized):
            services.save_item(session, principal(session, outsider), {
                "kind": "page", "slug": "o-nas", "title": {"cs": "O nás"}})


def test_an_event_needs_a_start_and_a_project_a_status(sqlite_engine: Engine) -> None:
    admin = make_user(sqlite_engine, "root@example.test", sysadmin=True)
    with transaction(sqlite_engine) as session:
        actor = principal(session, admin)
        with pytest.raises(ValidationError, match="start"):
            services.save_item(session, actor, {"kind": "event", "slug": "den",
                                                 "title": {"cs": "Den otevřených dat"}})
        with pytest.raises(ValidationError, match="status"):
            services.save_item(session, actor, {"kind": "project", "slug": "p",
                                                 "title": {"cs": "P"}})


def test_editors_publish_a_project_with_datasets_and_its_feed(app: Flask) -> None:
    from catalog.services import create_dataset
    from tests.conftest import BASE_URL
    from tests.records import dataset

    editor = make_user(app, "e@kraj.example", role=Role.EDITOR, org=PUBLISHER)
    with transaction(app.extensions["portal"].engine) as session:
        create_dataset(session, dataset(), base_url=BASE_URL)
    client = app.test_client()
    login(client, editor)
    saved = post_form(client, "/editor/content/projects/new", {
        "slug": "chytry-kraj", "organisation": "liberecky-kraj",
        "title_cs": "Chytrý kraj", "title_en": "Smart region",
        "body_cs": "Projekt **kraje** <script>alert(1)</script>",
        "project_status": "running", "goals_cs": "- méně papíru",
        "indicators": "počet datových sad\npočet uživatelů", "datasets": "odjezdy-vlaku"})
    assert saved.status_code == 302, saved.get_data(True)
    assert client.get("/projects/chytry-kraj").status_code == 404  # a draft
    post_form(client, "/editor/content/projects/chytry-kraj/state", {"state": "published"})
    page = client.get("/projects/chytry-kraj").get_data(True)
    assert "<strong>kraje</strong>" in page and "<script>alert" not in page
    assert "/datasets/odjezdy-vlaku" in page and "počet uživatelů" in page
    feed = ET.fromstring(client.get("/projects/feed.atom?lang=en").data)
    assert feed.tag == f"{ATOM}feed"
    [entry] = feed.findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "Smart region"
    assert entry.find(f"{ATOM}link").get("href").endswith("/projects/chytry-kraj")
    missing = post_form(client, "/editor/content/events/new", {"slug": "den",
                                                               "title_cs": "Den"})
    assert missing.status_code == 400
