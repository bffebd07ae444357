"""End to end in headless Chromium at a 360×640 phone viewport with JavaScript disabled (as in
a captive-portal mini-browser): arrival → splash → Connect → the gateway's grant → our landing
page, for the simulated gateway, openNDS level 1 and Meraki (fake gateways as local HTTP
servers that check the grant the way the gateway does)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from portal.cli import PrivateRequestHandler
from portal.wifi_runtime import runtime
from tests.browser import describe, run_axe
from tests.wifi_app import make_wifi_app
from tests.wifi_gateways import (
    FASKEY,
    GrantRecorder,
    http_server,
    meraki_query,
    opennds_hid,
    opennds_level1_url,
    opennds_query,
    origin,
    sha256hex,
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def gateways() -> Iterator[dict[str, GrantRecorder | str]]:
    nds = GrantRecorder(redirect_param="redir")
    meraki = GrantRecorder(redirect_param="continue_url")
    with http_server(nds.handler()) as nds_server, http_server(meraki.handler()) as m_server:
        yield {"nds": nds, "meraki": meraki, "nds_origin": origin(nds_server),
               "meraki_origin": origin(m_server)}


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path,
           gateways: dict) -> Iterator[str]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    app = make_wifi_app(tmp_path_factory.mktemp("browser"), sqlite_template,
                        PORTAL_BASE_URL=base,
                        PORTAL_WIFI_GRANT_ORIGINS=f"https://*.network-auth.com,"
                                                  f"{gateways['meraki_origin']}")
    from captive_portal.gateways import add_gateway
    from catalog.db import transaction
    from portal.state import state

    with transaction(state(app).engine) as session:
        add_gateway(session, "liberec-hlavni-nadrazi", controller="opennds",
                    identifier="LK Station 1", secret_name="NDS_STATION",
                    options={"level": 1,
                             "address": gateways["nds_origin"].removeprefix("http://")})
        add_gateway(session, "frydlant-namesti", controller="simulated", identifier="sim-fry")
    runtime(app).forget()
    server = make_server("127.0.0.1", port, app, threaded=True,
                         request_handler=PrivateRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base
    server.shutdown()


@pytest.fixture(scope="module")
def browser(portal: str, chromium: Any) -> Iterator[Any]:
    """A phone: 360×640, Czech, JavaScript off, a fresh context (no cookies kept)."""
    context = chromium.new_context(java_script_enabled=False, locale="cs-CZ",
                                   viewport={"width": 360, "height": 640})
    context.set_default_timeout(10_000)
    yield context
    context.close()


def connect_in_browser(browser: Any, url: str, place: str, landing: str) -> str:
    page = browser.new_page()
    try:
        page.goto(url)
        assert page.locator("h1").inner_text() == place
        page.get_by_role("button").click()
        page.wait_for_url(landing)
        assert page.get_by_role("status").is_visible()
        return page.content()
    finally:
        page.close()


def test_simulated_gateway_end_to_end(browser: Any, portal: str) -> None:
    html = connect_in_browser(browser, f"{portal}/wifi/simulated/sim-fry/",
                              "Frýdlant, náměstí T. G. Masaryka",
                              f"{portal}/wifi/frydlant-namesti/")
    assert "Jste připojeni" in html


def test_opennds_level1_end_to_end(browser: Any, portal: str, gateways: dict) -> None:
    hid = opennds_hid()
    query = opennds_query(hid=hid, gatewayname="LK Station 1",
                          gatewayaddress=gateways["nds_origin"].removeprefix("http://"))
    connect_in_browser(browser, portal + opennds_level1_url("/wifi/arrive/opennds", query),
                       "Liberec, hlavní nádraží", f"{portal}/wifi/liberec-hlavni-nadrazi/")
    request = gateways["nds"].requests[-1]
    assert request["tok"] == [sha256hex(hid + FASKEY)]  # what openNDS compares


def test_meraki_end_to_end(browser: Any, portal: str, gateways: dict) -> None:
    grant = gateways["meraki_origin"] + "/splash/grant"
    connect_in_browser(browser, f"{portal}/wifi/arrive/meraki?" + meraki_query(grant),
                       "Semily, nádraží", f"{portal}/wifi/semily-nadrazi/")
    assert gateways["meraki"].requests[-1]["duration"] == ["86400"]


def test_splash_page_passes_axe_wcag_21_aa_at_phone_width(chromium: Any, portal: str,
                                                           axe_source: str) -> None:
    """axe-core needs script: a separate context with JavaScript on audits the same page."""
    context = chromium.new_context(locale="cs-CZ", viewport={"width": 360, "height": 640})
    try:
        page = context.new_page()
        page.goto(f"{portal}/wifi/simulated/sim-fry/")
        assert page.locator("form.connect button").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scroll
        violations = run_axe(page, axe_source)
        assert violations == [], describe(violations)
    finally:
        context.close()
