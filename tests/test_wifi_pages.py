"""The splash page and its companions: size and content, languages, no cookies, the landing
page, RFC 8908, the notices' Atom feed; privacy of the grant log and the published counts."""

from __future__ import annotations

import logging
import re
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text
from sqlmodel import select

from captive_portal.models import WifiGrant, WifiHourly
from captive_portal.publishing import DEMO_TIMETABLE_SLUG, STATS_SLUG, refresh_timetable
from catalog.db import transaction
from portal.state import state
from portal.wifi_cli import wifi
from portal.wifi_runtime import runtime, timetable_fetch
from tests.wifi_app import (
    FAS,
    STATION,
    arrive,
    connect,
    make_wifi_app,
    token_of,
)
from tests.wifi_gateways import meraki_query, opennds_hid, opennds_level1_url, opennds_query


@pytest.fixture
def wifi_app(tmp_path: Path, sqlite_template: Path) -> Flask:
    return make_wifi_app(tmp_path, sqlite_template)


@pytest.fixture
def client(wifi_app: Flask) -> FlaskClient:
    return wifi_app.test_client()


# A Thursday, 10:00 in Liberec: trams, trains and buses run.
THURSDAY_10 = datetime(2026, 12, 3, 10, 0, tzinfo=ZoneInfo("Europe/Prague")).timestamp()
MAX_BYTES = 30 * 1024


@pytest.fixture
def splash_app(wifi_app: Flask) -> Flask:
    """The Wi-Fi app with the demo timetable downloaded, notices and a fixed clock."""
    portal = state(wifi_app)
    with transaction(portal.engine) as session:
        from captive_portal.demo import load_wifi_demo

        load_wifi_demo(session, base_url=portal.settings.base_url,
                       now=datetime(2026, 12, 1, 8, 0))
    with transaction(portal.engine) as session:
        refresh_timetable(session, DEMO_TIMETABLE_SLUG, runtime(wifi_app).timetable_path,
                          base_url=portal.settings.base_url, fetch=timetable_fetch(portal.settings))
    runtime(wifi_app).clock = lambda: THURSDAY_10
    runtime(wifi_app).forget()
    return wifi_app


def station_arrival(client: FlaskClient, **headers: str) -> tuple[str, dict]:
    url = opennds_level1_url(FAS, opennds_query(hid=opennds_hid(), gatewayname="LK Station 1"))
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    return response.get_data(as_text=True), dict(response.headers)


def test_splash_page_is_small_and_has_departures_news_map_terms_and_languages(
        splash_app: Flask) -> None:
    client = splash_app.test_client()
    html, headers = station_arrival(client)
    css = [client.get(href) for href in re.findall(r'<link rel="stylesheet" href="([^"]+)"',
                                                    html)]
    assert len(css) == 1 and css[0].status_code == 200
    assert not re.search(r"<(img|script|iframe)\b", html)  # nothing else to load
    total = len(html.encode()) + sum(len(r.data) for r in css)
    assert total <= MAX_BYTES, total
    departures = re.findall(r'<time datetime="2026-12-03T(\d\d:\d\d)', html)
    assert len(departures) >= 3 and departures == sorted(departures)
    assert departures[0] >= "10:00"
    assert "Výluka tramvají na lince 3" in html  # the station's notice
    assert "Bezplatná Wi-Fi Libereckého kraje" in html  # and the region's
    svg = re.search(r"<svg.*?</svg>", html, re.S)
    assert svg and len(svg.group(0).encode()) < 5 * 1024 and "<title" in svg.group(0)
    assert "Neukládáme vaši MAC ani IP adresu" in html and "2026-11-01" in html
    for lang in ("cs", "en", "de", "pl"):
        assert re.search(rf'<a href="[^"]*lang={lang}[^"]*arrival=[^"]+" hreflang="{lang}"', html)
    assert '<button type="submit"' in html
    assert headers["Cache-Control"] == "no-store" and "Set-Cookie" not in headers


def test_language_comes_from_accept_language_and_the_switch_keeps_the_token(
        splash_app: Flask) -> None:
    client = splash_app.test_client()
    html, _ = station_arrival(client, **{"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"})
    assert '<html lang="de">' in html and "Nächste Abfahrten" in html
    assert "Liberec (Reichenberg), Hauptbahnhof" in html
    switch = re.search(r'<a href="([^"]+)" hreflang="pl"', html).group(1).replace("&amp;", "&")
    response = client.get(switch)
    polish = response.get_data(as_text=True)
    assert '<html lang="pl">' in polish and "Najbliższe odjazdy" in polish
    assert token_of(polish) == token_of(html) and "Set-Cookie" not in response.headers
    english = client.get(switch.replace("lang=pl", "lang=en")).get_data(as_text=True)
    assert "Accept and connect" in english and "Next departures" in english


def test_cached_content_is_in_each_visitors_language(splash_app: Flask) -> None:
    """The location's content is cached for a while: a later visitor in another language
    still gets the map title in theirs (it was kept in the first visitor's language)."""
    client = splash_app.test_client()
    czech = client.get(f"/wifi/{STATION}?lang=cs").get_data(as_text=True)
    assert '<title id="map-title">Mapa okolí</title>' in czech
    for lang, title in (("en", "Map of the surroundings"), ("de", "Karte der Umgebung")):
        html = client.get(f"/wifi/{STATION}?lang={lang}").get_data(as_text=True)
        assert f'<title id="map-title">{title}</title>' in html, lang


def test_splash_page_is_usable_without_javascript_or_cookies(splash_app: Flask) -> None:
    client = splash_app.test_client(use_cookies=False)
    html, _ = station_arrival(client)
    form = re.search(r'<form class="connect" method="post" action="([^"]+)">', html)
    assert form and form.group(1) == "/wifi/connect"
    target = connect(client, token_of(html))
    assert target.startswith("http://192.168.8.1:2050/opennds_auth/?tok=")


def test_splash_csp_allows_the_form_to_reach_only_this_gateway(splash_app: Flask) -> None:
    _, headers = station_arrival(splash_app.test_client())
    policy = headers["Content-Security-Policy"]
    assert "form-action 'self' http://192.168.8.1:2050;" in policy
    assert "script-src" not in policy and "default-src 'none'" in policy


def test_landing_page_says_online_and_offers_no_connect(splash_app: Flask) -> None:
    html = splash_app.test_client().get(f"/wifi/{STATION}/").get_data(as_text=True)
    assert 'role="status"' in html and 'name="arrival"' not in html
    assert "Nejbližší odjezdy" in html


def test_capport_api_answers_captive_json(splash_app: Flask) -> None:
    response = splash_app.test_client().get(f"/wifi/{STATION}/capport",
                                            headers={"Accept": "application/captive+json"})
    assert response.content_type == "application/captive+json"
    assert response.headers["Cache-Control"] == "private, no-store"
    body = response.get_json(force=True)
    assert body == {"captive": True,
                    "user-portal-url": f"https://data.example-kraj.test/wifi/{STATION}",
                    "venue-info-url": f"https://data.example-kraj.test/wifi/{STATION}/"}


def test_notices_are_managed_by_cli_and_published_as_atom(splash_app: Flask) -> None:
    runner = splash_app.test_cli_runner()
    result = runner.invoke(wifi, ["announce", STATION, "--title", "cs=Nový přechod pro chodce",
                                  "--title", "en=A new crossing", "--body", "cs=Od pondělí."])
    assert result.exit_code == 0, result.output
    feed = splash_app.test_client().get(f"/wifi/{STATION}/news.atom")
    assert feed.content_type.startswith("application/atom+xml")
    root = ET.fromstring(feed.data)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.findtext("a:title", namespaces=ns) for e in root.findall("a:entry", ns)]
    assert "Nový přechod pro chodce" in titles and "Výluka tramvají na lince 3 o víkendu" in titles
    listed = runner.invoke(wifi, ["announcements"]).output
    ident = next(line.split("\t")[0] for line in listed.splitlines() if "přechod" in line)
    assert runner.invoke(wifi, ["announcements", "--withdraw", ident]).exit_code == 0
    assert runner.invoke(wifi, ["announce", "no-such-place", "--title", "cs=x"]).exit_code == 2


def test_grant_log_keeps_no_mac_ip_or_hid_and_logs_none(splash_app: Flask,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    client = splash_app.test_client()
    hid = opennds_hid()
    url = opennds_level1_url(FAS, opennds_query(hid=hid, gatewayname="LK Station 1"))
    connect(client, token_of(arrive(client, url)))
    meraki = "/wifi/arrive/meraki?" + meraki_query("https://n1.network-auth.com/splash/grant")
    connect(client, token_of(arrive(client, meraki)))
    engine = state(splash_app).engine
    dump = []
    with engine.connect() as conn:
        for table in ("wifi_grant", "wifi_hourly", "wifi_once", "wifi_pending_auth"):
            dump += [str(tuple(row)) for row in conn.execute(text(f"SELECT * FROM {table}"))]
    everything = " ".join(dump).lower() + caplog.text.lower()
    for secret in (hid, "60:e3:ac:f7:48:08", "60e3acf74808", "10.110.154.195", "192.168.8.23",
                   "aa:bb:cc:dd:ee:01"):
        assert secret not in everything
    with transaction(engine) as session:
        rows = session.exec(select(WifiGrant)).all()
    assert len(rows) == 2 and {r.terms_version for r in rows} == {"2026-11-01"}
    assert all(len(r.pseudonym) == 32 for r in rows)


def test_pseudonym_of_one_client_changes_every_day(splash_app: Flask) -> None:
    client = splash_app.test_client()
    meraki = "/wifi/arrive/meraki?" + meraki_query("https://n1.network-auth.com/splash/grant")
    connect(client, token_of(arrive(client, meraki)))
    connect(client, token_of(arrive(client, meraki)))  # the same phone again that day
    runtime(splash_app).clock = lambda: THURSDAY_10 + 86400
    connect(client, token_of(arrive(client, meraki)))
    with transaction(state(splash_app).engine) as session:
        names = [g.pseudonym for g in session.exec(select(WifiGrant).order_by(WifiGrant.id))]
    assert names[0] == names[1] != names[2]


def test_purge_enforces_retention_and_keeps_the_published_counts(splash_app: Flask) -> None:
    client = splash_app.test_client()
    runtime(splash_app).clock = lambda: datetime.now().timestamp() - 40 * 86400
    meraki = "/wifi/arrive/meraki?" + meraki_query("https://n1.network-auth.com/splash/grant")
    connect(client, token_of(arrive(client, meraki)))
    runtime(splash_app).clock = lambda: datetime.now().timestamp()
    connect(client, token_of(arrive(client, meraki)))
    result = splash_app.test_cli_runner().invoke(wifi, ["purge"])
    assert result.exit_code == 0 and "purged: 1 grant records" in result.output
    engine = state(splash_app).engine
    with transaction(engine) as session:
        assert len(session.exec(select(WifiGrant)).all()) == 1
        assert sum(h.connections for h in session.exec(select(WifiHourly))) == 2
    csv_lines = client.get("/wifi/connections.csv").get_data(as_text=True).splitlines()
    assert csv_lines[0] == "location,hour_utc,connections" and len(csv_lines) == 3
    assert all(line.startswith("semily-nadrazi,") and line.endswith(",1")
               for line in csv_lines[1:])
    page = client.get(f"/datasets/{STATS_SLUG}")
    assert page.status_code == 200 and "/wifi/connections.csv" in page.get_data(as_text=True)


def test_grants_in_the_same_hour_add_up(splash_app: Flask) -> None:
    client = splash_app.test_client()
    for _ in range(3):
        url = opennds_level1_url(FAS, opennds_query(hid=opennds_hid(),
                                                    gatewayname="LK Station 1"))
        connect(client, token_of(arrive(client, url)))
    lines = client.get("/wifi/connections.csv").get_data(as_text=True).splitlines()
    assert lines[1:] == ["liberec-hlavni-nadrazi,2026-12-03T09:00:00Z,3"]


def test_unknown_location_is_404_and_terms_page_is_versioned(splash_app: Flask) -> None:
    client = splash_app.test_client()
    assert client.get("/wifi/nowhere").status_code == 404
    assert client.get("/wifi/nowhere/capport").status_code == 404
    html = client.get("/wifi/terms?lang=en").get_data(as_text=True)
    assert "Version 2026-11-01" in html and "We do not store your MAC" in html


def test_simulated_gateway_demo_flow(splash_app: Flask) -> None:
    client = splash_app.test_client()
    join = client.get("/wifi/simulated/sim-liberec-fugnerova/")
    html = arrive(client, join.headers["Location"])
    grant = connect(client, token_of(html))
    back = client.get(grant)
    assert back.status_code == 302 and back.headers["Location"].endswith("/wifi/liberec-fugnerova/")
    forged = grant.replace("tok=", "tok=0")
    assert client.get(forged).status_code == 403

