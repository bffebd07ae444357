"""End to end in headless Chromium at a 360×640 phone viewport with JavaScript disabled (as in
a captive-portal mini-browser): arrival → splash → Connect → the gateway's grant → our landing
page, for the simulated gateway, openNDS level 1 and Meraki (fake gateways as local HTTP
servers that check the grant the way the gateway does)."""

from __future__ import annotations

import os
import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from portal.cli import PrivateRequestHandler
from portal.wifi_runtime import runtime
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

CHROMIUM = "/usr/bin/chromium"
IN_CI = os.environ.get("CI", "").lower() == "true"


def _need_browser() -> None:
    problem = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problem = "the playwright package is not installed"
    if problem is None and not Path(CHROMIUM).exists():
        problem = f"{CHROMIUM} is missing (apt-get install chromium)"
    if problem:
        if IN_CI:
            pytest.fail(problem + " (required in CI)")
        pytest.skip(problem)


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
    _need_browser()
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
def browser(portal: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, java_script_enabled=False,
            viewport={"width": 360, "height": 640}, locale="cs-CZ",
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"])
        yield context
        context.close()
    shutil.rmtree(profile, ignore_errors=True)


def connect_in_browser(browser: object, url: str, place: str, landing: str) -> str:
    page = browser.new_page()  # type: ignore[attr-defined]
    try:
        page.goto(url)
        assert page.locator("h1").inner_text() == place
        page.get_by_role("button").click()
        page.wait_for_url(landing)
        assert page.get_by_role("status").is_visible()
        return page.content()
    finally:
        page.close()


def test_simulated_gateway_end_to_end(browser: object, portal: str) -> None:
    html = connect_in_browser(browser, f"{portal}/wifi/simulated/sim-fry/",
                              "Frýdlant, náměstí T. G. Masaryka",
                              f"{portal}/wifi/frydlant-namesti/")
    assert "Jste připojeni" in html


def test_opennds_level1_end_to_end(browser: object, portal: str, gateways: dict) -> None:
    hid = opennds_hid()
    query = opennds_query(hid=hid, gatewayname="LK Station 1",
                          gatewayaddress=gateways["nds_origin"].removeprefix("http://"))
    connect_in_browser(browser, portal + opennds_level1_url("/wifi/arrive/opennds", query),
                       "Liberec, hlavní nádraží", f"{portal}/wifi/liberec-hlavni-nadrazi/")
    request = gateways["nds"].requests[-1]
    assert request["tok"] == [sha256hex(hid + FASKEY)]  # what openNDS compares


def test_meraki_end_to_end(browser: object, portal: str, gateways: dict) -> None:
    grant = gateways["meraki_origin"] + "/splash/grant"
    connect_in_browser(browser, f"{portal}/wifi/arrive/meraki?" + meraki_query(grant),
                       "Semily, nádraží", f"{portal}/wifi/semily-nadrazi/")
    assert gateways["meraki"].requests[-1]["duration"] == ["86400"]
