"""Editorial content: pages, news for a Wi-Fi location, events and flagship projects, with
sanitized Markdown and Atom feeds."""

from __future__ import annotations

from xml.etree import ElementTree as ET

import pytest
from flask import Flask
from flask.testing import FlaskClient
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
from portal.state import state
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


SECTIONS = {"projects": 4, "events": 3, "news": 2, "pages": 1}


def test_demo_sections_list_their_items_and_projects_link_existing_datasets(
        demo_client: FlaskClient) -> None:
    import re

    for section, count in SECTIONS.items():
        for lang in ("cs", "en", "de", "pl"):
            page = demo_client.get(f"/{section}/?lang={lang}")
            assert page.status_code == 200
            links = set(re.findall(rf'href="/{section}/([a-z0-9-]+)"', page.get_data(True)))
            assert len(links) == count, (section, lang, links)
        feed = ET.fromstring(demo_client.get(f"/{section}/feed.atom").data)
        assert len(feed.findall(f"{ATOM}entry")) == count
    listing = demo_client.get("/projects/?lang=de").get_data(True)
    assert "Digitalisierung der Museumssammlungen" in listing
    for slug in re.findall(r'href="/projects/([a-z0-9-]+)"', listing):
        html = demo_client.get(f"/projects/{slug}?lang=pl").get_data(True)
        datasets = set(re.findall(r'href="(/datasets/[a-z0-9-]+)"', html))
        assert len(datasets) >= 2, slug
        for url in datasets:
            assert demo_client.get(url).status_code == 200, url
    event = demo_client.get("/events/hackathon-smarter-region-2027?lang=en").get_data(True)
    assert "2027-04-17 09:00" in event and "Studentská 2, Liberec" in event


def test_home_shows_projects_and_upcoming_events_and_the_nav_links_sections(
        demo_client: FlaskClient) -> None:
    import re
    from datetime import UTC, datetime

    from catalog.demo import read_demo

    response = demo_client.get("/?lang=en")
    html = response.get_data(True)
    assert len(response.data) < 100_000
    flagships = html.split('id="flagships-h"')[1].split("</section>")[0]
    assert len(re.findall(r'<h3><a href="/projects/', flagships)) == 3
    assert 'href="/datasets/jizdni-rady-idol-gtfs"' in flagships
    # The demo events not over yet, soonest first (all three until March 2027).
    now = datetime.now(UTC).replace(tzinfo=None)
    demo_events = sorted((e for e in read_demo("editorial")["items"] if e["kind"] == "event"),
                         key=lambda e: e["event_start"])
    expected = [e["slug"] for e in demo_events if datetime.fromisoformat(e["event_end"]) >= now]
    events = html.split('id="events-h"')[1].split("</section>")[0] if expected else ""
    assert re.findall(r'href="/events/([a-z0-9-]+)"', events) == expected
    nav = html.split('aria-label="Main"')[1].split("</nav>")[0]
    # The main nav gains only Projects (it stays one row at 1280 px in every language).
    assert 'href="/projects/"' in nav and 'href="/events/"' not in nav
    footer = html.split("<footer")[1]
    for section in ("news", "events", "pages"):
        assert f'href="/{section}/"' in footer, section


def test_upcoming_events_leave_out_those_over(sqlite_engine: Engine) -> None:
    from datetime import datetime

    from catalog.demo import load_datasets, load_editorial
    from tests.conftest import BASE_URL

    with transaction(sqlite_engine) as session:
        list(load_datasets(session, base_url=BASE_URL))
        list(load_editorial(session, base_url=BASE_URL))
        # The museum night ends 2027-05-21 23:59: still listed during it, gone after.
        during = services.upcoming_events(session, datetime(2027, 5, 21, 20, 0))
        after = services.upcoming_events(session, datetime(2027, 5, 22, 0, 0))
    assert [e.slug for e in during] == ["muzejni-noc-2027"] and after == []


def test_the_home_page_ends_events_by_the_regions_clock(demo_app: Flask) -> None:
    """An event that ended half an hour ago in Liberec is gone from the home page, though by
    UTC (one or two hours behind) it would still be running."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from catalog.editorial.models import EditorialItem, ItemKind

    local = datetime.now(ZoneInfo("Europe/Prague")).replace(tzinfo=None, microsecond=0)
    with transaction(state(demo_app).engine) as session:
        event = session.exec(select(EditorialItem).where(
            EditorialItem.kind == ItemKind.EVENT)).first()
        assert event is not None
        saved = (event.event_start, event.event_end)
        event.event_start, event.event_end = local - timedelta(hours=2), local - timedelta(
            minutes=30)
        slug = event.slug
    try:
        html = demo_app.test_client().get("/?lang=en").get_data(as_text=True)
        assert f"/events/{slug}" not in html
    finally:
        with transaction(state(demo_app).engine) as session:
            event = session.exec(select(EditorialItem).where(
                EditorialItem.kind == ItemKind.EVENT, EditorialItem.slug == slug)).one()
            event.event_start, event.event_end = saved
