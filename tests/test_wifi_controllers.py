"""Controller adapters end to end through the portal: each gateway's redirect is built the way
the gateway documents it (tests/wifi_gateways.py), and every attack from the issue ends in a
clear 4xx with nothing granted."""

from __future__ import annotations

import base64
import hashlib
import re
import time
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from captive_portal.gateways import add_gateway
from catalog.db import transaction
from portal.state import state
from portal.wifi_runtime import runtime
from tests.conftest import BASE_URL
from tests.wifi_app import (
    EVIL,
    FAS,
    GUEST_PASSWORD,
    STATION,
    UAMSECRET,
    arrive,
    connect,
    grants,
    landing,
    make_wifi_app,
    token_of,
)
from tests.wifi_gateways import (
    FASKEY,
    FakeUnifi,
    coova_expected_response,
    coova_url,
    http_server,
    meraki_query,
    opennds_hid,
    opennds_level1_url,
    opennds_level2_url,
    opennds_query,
    origin,
    sha256hex,
)


@pytest.fixture
def wifi_app(tmp_path: Path, sqlite_template: Path) -> Flask:
    return make_wifi_app(tmp_path, sqlite_template)


@pytest.fixture
def client(wifi_app: Flask) -> FlaskClient:
    return wifi_app.test_client()


# --- openNDS -----------------------------------------------------------------------------------

def test_opennds_level1_grants_through_the_auth_dir_with_the_faskey_hash(
        client: FlaskClient, wifi_app: Flask) -> None:
    hid = opennds_hid()
    query = opennds_query(hid=hid, gatewayname="LK Station 1", originurl=EVIL)
    html = arrive(client, opennds_level1_url(FAS, query))
    assert "Liberec, hlavní nádraží" in html and 'href="' + EVIL not in html
    target = urlsplit(connect(client, token_of(html)))
    assert (target.scheme, target.netloc, target.path) == ("http", "192.168.8.1:2050",
                                                          "/opennds_auth/")
    params = parse_qs(target.query)
    assert params["tok"] == [sha256hex(hid + FASKEY)]  # what the gateway checks
    assert params["redir"] == [landing(STATION)]
    assert grants(wifi_app) == 1


def test_opennds_level2_aes_arrival_decrypts_with_that_gateways_faskey(
        client: FlaskClient) -> None:
    hid = opennds_hid()
    query = opennds_query(hid=hid, gatewayname="LK-Fugnerova", level=2)
    url = opennds_level2_url(FAS, query, "f" * 64)
    for _ in range(40):  # make sure a '+' in the unencoded base64 survives the query string
        if "+" in url:
            break
        url = opennds_level2_url(FAS, query, "f" * 64)
    html = arrive(client, url)
    assert "Fügnerova" in html
    params = parse_qs(urlsplit(connect(client, token_of(html))).query)
    assert params["tok"] == [sha256hex(hid + "f" * 64)]


def test_opennds_level4_grant_waits_in_the_authmon_queue_until_acknowledged(
        client: FlaskClient, wifi_app: Flask) -> None:
    hid = opennds_hid()
    html = arrive(client, opennds_level1_url(FAS, opennds_query(hid=hid, gatewayname="LK-Turnov",
                                                                  level=4)))
    page = connect(client, token_of(html), status=200)
    assert 'http-equiv="refresh"' in page and landing("turnov-nadrazi") in page
    gatewayhash = sha256hex(quote("LK-Turnov", safe=""))
    view = client.post(FAS, data={"auth_get": "view", "gatewayhash": gatewayhash,
                                  "payload": "none"}).get_data(as_text=True)
    assert view.startswith("* ")
    entry = view[2:].split(" ")[0]
    rhid = sha256hex(hid + FASKEY)
    assert entry.startswith(rhid + "%20")
    other = client.post(FAS, data={"auth_get": "view", "gatewayhash": "0" * 64,
                                   "payload": "none"}).get_data(as_text=True)
    assert other == "*"  # another gateway sees nothing
    ack = base64.b64encode(f"* {rhid}".encode()).decode()
    assert client.post(FAS, data={"auth_get": "view", "gatewayhash": gatewayhash,
                                  "payload": ack}).get_data(as_text=True) == "ack"
    assert client.post(FAS, data={"auth_get": "view", "gatewayhash": gatewayhash,
                                  "payload": "none"}).get_data(as_text=True) == "*"


def test_opennds_wrong_faskey_is_refused(client: FlaskClient, wifi_app: Flask) -> None:
    query = opennds_query(hid=opennds_hid(), gatewayname="LK-Fugnerova", level=2)
    html = arrive(client, opennds_level2_url(FAS, query, "0" * 64), status=403)
    assert "arrival" not in html and grants(wifi_app) == 0


def test_opennds_bad_aes_padding_is_refused(client: FlaskClient) -> None:
    iv = "0123456789abcdef"
    # A block whose last byte is 0x00 after decryption is not PKCS#7: encrypt it raw.
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    raw = b"hid=" + b"a" * 27 + b"\0"
    encryptor = Cipher(algorithms.AES(("f" * 64).encode()[:32]),
                       modes.CBC(iv.encode())).encryptor()
    cipher = base64.b64encode(encryptor.update(raw) + encryptor.finalize()).decode()
    fas = base64.b64encode(cipher.encode()).decode()
    html = arrive(client, f"{FAS}?fas={fas}&iv={iv}", status=403)
    assert "padding" in html


def test_opennds_forged_fas_is_refused(client: FlaskClient) -> None:
    # A level-1 (base64 only) fas for a gateway registered at level 2: no downgrade.
    forged = opennds_query(hid=opennds_hid(), gatewayname="LK-Fugnerova")
    assert "arrival" not in arrive(client, opennds_level1_url(FAS, forged), status=403)
    # A hid that no gateway makes.
    bad_hid = opennds_query(hid="not-a-hid", gatewayname="LK Station 1")
    arrive(client, opennds_level1_url(FAS, bad_hid), status=400)
    # Not base64 at all.
    arrive(client, f"{FAS}?fas=%%%", status=400)
    # A grant address off the local network would make us an open redirect.
    public = opennds_query(hid=opennds_hid(), gatewayname="LK Station 1",
                           gatewayaddress="evil.example:80")
    arrive(client, opennds_level1_url(FAS, public), status=400)
    public_ip = opennds_query(hid=opennds_hid(), gatewayname="LK Station 1",
                              gatewayaddress="8.8.8.8:2050")
    arrive(client, opennds_level1_url(FAS, public_ip), status=403)


def test_opennds_replayed_hid_is_refused(client: FlaskClient, wifi_app: Flask) -> None:
    url = opennds_level1_url(FAS, opennds_query(hid=opennds_hid(), gatewayname="LK Station 1"))
    connect(client, token_of(arrive(client, url)))
    replay = token_of(arrive(client, url))  # the same redirect again: a new token ...
    html = connect(client, replay, status=409)  # ... but the hid was used
    assert "already used" in html and grants(wifi_app) == 1


def test_opennds_level0_is_refused_unless_allowed(client: FlaskClient) -> None:
    url = (f"{FAS}?authaction=http://192.168.8.1:2050/opennds_auth/?clientip=192.168.8.23"
           "&gatewayname=LK%20Station%201&tok=1a2b3c4d&redir=http://example.com/")
    assert "level 0" in arrive(client, url, status=403)


# --- CoovaChilli -------------------------------------------------------------------------------

UAMSERVER = f"{BASE_URL}/wifi/arrive/coova"


def coova_path(url: str) -> str:
    return url.removeprefix(BASE_URL)


def test_coova_valid_md_grants_through_logon_with_a_chap_response(client: FlaskClient) -> None:
    challenge = "0123456789abcdef0123456789abcdef"
    url = coova_url(UAMSERVER, UAMSECRET, challenge=challenge, nasid="lk-jablonec-bus",
                    userurl=EVIL)
    html = arrive(client, coova_path(url))
    assert "Jablonec nad Nisou, autobusové nádraží" in html
    target = urlsplit(connect(client, token_of(html)))
    assert (target.netloc, target.path) == ("10.1.0.1:3990", "/logon")
    params = parse_qs(target.query)
    assert params["username"] == ["guest"]
    assert params["response"] == [coova_expected_response(challenge, UAMSECRET, GUEST_PASSWORD)]
    assert params["userurl"] == [landing("jablonec-nad-nisou-autobusove-nadrazi")]


def test_coova_wrong_md_is_refused(client: FlaskClient, wifi_app: Flask) -> None:
    url = coova_url(UAMSERVER, UAMSECRET, challenge="ab" * 16, nasid="lk-jablonec-bus")
    wrong_secret = coova_url(UAMSERVER, "guess", challenge="ab" * 16, nasid="lk-jablonec-bus")
    arrive(client, coova_path(wrong_secret), status=403)
    tampered = coova_path(url).replace("uamip=10.1.0.1", "uamip=10.6.6.6")
    assert "md checksum" in arrive(client, tampered, status=403)
    without = coova_path(url).split("&md=")[0]
    arrive(client, without, status=403)
    assert grants(wifi_app) == 0


def test_coova_challenge_is_single_use(client: FlaskClient) -> None:
    url = coova_path(coova_url(UAMSERVER, UAMSECRET, challenge="cd" * 16,
                               nasid="lk-jablonec-bus"))
    connect(client, token_of(arrive(client, url)))
    connect(client, token_of(arrive(client, url)), status=409)


# --- Meraki ------------------------------------------------------------------------------------

def test_meraki_grants_through_the_allow_listed_base_grant_url(client: FlaskClient) -> None:
    grant = "https://n143.network-auth.com/splash/grant"
    html = arrive(client, "/wifi/arrive/meraki?" + meraki_query(grant, continue_url=EVIL))
    assert "Semily" in html
    target = urlsplit(connect(client, token_of(html)))
    assert f"{target.scheme}://{target.netloc}{target.path}" == grant
    params = parse_qs(target.query)
    assert params["continue_url"] == [landing("semily-nadrazi")]
    assert params["duration"] == ["86400"]


@pytest.mark.parametrize("grant", [
    "https://evil.example/splash/grant",
    "https://network-auth.com.evil.example/splash/grant",
    "http://n143.network-auth.com/splash/grant",
    "https://user@n143.network-auth.com.evil.example/",
    "javascript:alert(1)",
])
def test_meraki_foreign_grant_host_is_refused(client: FlaskClient, grant: str) -> None:
    html = arrive(client, "/wifi/arrive/meraki?" + meraki_query(grant), status=400)
    assert "allow-list" in html


# --- UniFi -------------------------------------------------------------------------------------

def unifi_gateway(app: Flask, controller_url: str) -> None:
    with transaction(state(app).engine) as session:
        add_gateway(session, "ceska-lipa-hlavni-nadrazi", controller="unifi",
                    identifier="f0:9f:c2:00:00:01", secret_name="UNIFI",
                    options={"controller_url": controller_url, "site_id": "site-1"})
    runtime(app).forget()


def test_unifi_guest_is_authorised_by_the_controller_api(client: FlaskClient,
                                                         wifi_app: Flask) -> None:
    fake = FakeUnifi("unifi-api-key", "site-1")
    fake.clients["60:e3:ac:f7:48:08"] = {"id": "c-42", "macAddress": "60:e3:ac:f7:48:08",
                                         "access": {"type": "GUEST", "authorized": False}}
    with http_server(fake.handler()) as server:
        unifi_gateway(wifi_app, origin(server))
        url = (f"/guest/s/default/?ap=F0:9F:C2:00:00:01&id=60:E3:AC:F7:48:08"
               f"&t={int(time.time())}&url={quote(EVIL)}&ssid=LK-WiFi")
        html = arrive(client, url)
        assert "Česká Lípa" in html
        assert connect(client, token_of(html)) == landing("ceska-lipa-hlavni-nadrazi")
    assert fake.actions == [("c-42", {"action": "AUTHORIZE_GUEST_ACCESS",
                                      "timeLimitMinutes": 1440})]


def test_unifi_client_the_controller_does_not_know_is_not_granted(
        client: FlaskClient, wifi_app: Flask) -> None:
    fake = FakeUnifi("unifi-api-key", "site-1")
    with http_server(fake.handler()) as server:
        unifi_gateway(wifi_app, origin(server))
        url = f"/guest/s/default/?ap=f0:9f:c2:00:00:01&id=60:e3:ac:f7:48:09&t={int(time.time())}"
        connect(client, token_of(arrive(client, url)), status=403)
        stale = "/guest/s/default/?ap=f0:9f:c2:00:00:01&id=60:e3:ac:f7:48:09&t=1000"
        arrive(client, stale, status=400)
    assert fake.actions == [] and grants(wifi_app) == 0


# --- MikroTik ----------------------------------------------------------------------------------

def test_mikrotik_click_through_uses_the_trial_login_link(client: FlaskClient) -> None:
    url = ("/wifi/arrive/mikrotik?identity=LK-Frydlant&server-name=hotspot1"
           "&mac=AA:BB:CC:DD:EE:03&ip=10.5.50.23&link-login-only=http://10.5.50.1/login"
           f"&link-orig={quote(EVIL)}")
    target = urlsplit(connect(client, token_of(arrive(client, url))))
    assert (target.netloc, target.path) == ("10.5.50.1", "/login")
    params = parse_qs(target.query)
    assert params == {"dst": [landing("frydlant-namesti")], "username": ["T-AA:BB:CC:DD:EE:03"]}


def test_mikrotik_login_link_on_another_host_is_refused(client: FlaskClient) -> None:
    url = ("/wifi/arrive/mikrotik?identity=LK-Frydlant&mac=AA:BB:CC:DD:EE:03"
           "&link-login-only=https://evil.example/login")
    arrive(client, url, status=403)


# --- Common attacks ----------------------------------------------------------------------------

def test_unknown_gateway_gets_generic_region_content_and_no_grant(client: FlaskClient,
                                                                  wifi_app: Flask) -> None:
    query = opennds_query(hid=opennds_hid(), gatewayname="Somebody Elses Router")
    html = arrive(client, opennds_level1_url(FAS, query))
    assert 'name="arrival"' not in html and "není v portálu zaregistrován" in html
    assert "/wifi/liberec-fugnerova" in html  # the region's places instead
    html = arrive(client, "/wifi/arrive/meraki?" + meraki_query(
        "https://n1.network-auth.com/splash/grant", node_mac="00:00:00:00:00:01"))
    assert 'name="arrival"' not in html
    assert grants(wifi_app) == 0


def test_unknown_controller_is_not_found(client: FlaskClient) -> None:
    arrive(client, "/wifi/arrive/aruba?cmd=login", status=404)


@pytest.mark.parametrize("query,status", [
    ("fas=%FF%FE", 400),                               # not UTF-8
    ("fas=" + "A" * 9000, 414),                        # query string too long
    ("fas=" + "A" * 3000, 414),                        # one value too long
    ("fas=abc%00def", 400),                            # control character
    ("gateway=sim&client=" + "%C3%28" * 10, 400),      # broken UTF-8 sequence
])
def test_oversized_or_non_utf8_parameters_are_refused(client: FlaskClient, query: str,
                                                      status: int) -> None:
    arrive(client, f"{FAS}?{query}", status=status)


def test_raw_non_ascii_bytes_in_the_query_are_refused(wifi_app: Flask) -> None:
    from werkzeug.test import create_environ, run_wsgi_app

    environ = create_environ(FAS)
    environ["QUERY_STRING"] = "fas=\xff\xfe"  # WSGI passes raw bytes as latin-1
    _body, status, _headers = run_wsgi_app(wifi_app, environ)
    assert status.startswith("400")


def test_tampered_expired_or_garbage_tokens_grant_nothing(client: FlaskClient,
                                                          wifi_app: Flask) -> None:
    url = opennds_level1_url(FAS, opennds_query(hid=opennds_hid(), gatewayname="LK Station 1"))
    token = token_of(arrive(client, url))
    body, signature = token.split(".")
    payload = base64.urlsafe_b64decode(body + "==").replace(b"LK", b"LK")
    other = base64.urlsafe_b64encode(payload.replace(b'"g":1', b'"g":2')).rstrip(b"=").decode()
    connect(client, f"{other}.{signature}", status=403)            # another gateway
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    connect(client, f"{body}.{flipped}", status=403)               # signature changed
    connect(client, "garbage", status=400)
    connect(client, "", status=400)
    runtime(wifi_app).clock = lambda: time.time() + 3600          # the token is old now
    assert "expired" in connect(client, token, status=410)
    assert grants(wifi_app) == 0


@pytest.mark.parametrize("build", ["opennds", "coova", "meraki", "mikrotik", "unifi"])
def test_original_url_parameters_never_become_a_redirect(client: FlaskClient, wifi_app: Flask,
                                                         build: str) -> None:
    """redir/originurl, userurl, user_continue_url, link-orig and url are shown as text only;
    after the grant the browser lands on our page."""
    fake = FakeUnifi("unifi-api-key", "site-1")
    fake.clients["60:e3:ac:f7:48:08"] = {"id": "c-1", "macAddress": "60:e3:ac:f7:48:08",
                                         "access": {"type": "GUEST", "authorized": False}}
    with http_server(fake.handler()) as server:
        unifi_gateway(wifi_app, origin(server))
        urls = {
            "opennds": opennds_level1_url(FAS, opennds_query(
                hid=opennds_hid(), gatewayname="LK Station 1", originurl=EVIL)),
            "coova": coova_path(coova_url(UAMSERVER, UAMSECRET, challenge="ef" * 16,
                                          nasid="lk-jablonec-bus", userurl=EVIL,
                                          extra=f"&redirurl={quote(EVIL, safe='')}")),
            "meraki": "/wifi/arrive/meraki?" + meraki_query(
                "https://n1.network-auth.com/splash/grant", continue_url=EVIL),
            "mikrotik": ("/wifi/arrive/mikrotik?identity=LK-Frydlant&mac=AA:BB:CC:DD:EE:04"
                         f"&link-login-only=http://10.5.50.1/login&link-orig={quote(EVIL)}"
                         f"&dst={quote(EVIL)}"),
            "unifi": (f"/guest/s/default/?ap=f0:9f:c2:00:00:01&id=60:e3:ac:f7:48:08"
                      f"&t={int(time.time())}&url={quote(EVIL)}"),
        }
        html = arrive(client, urls[build])
        assert f'href="{EVIL}' not in html and "evil.example" not in token_of(html)
        location = connect(client, token_of(html))
    assert not location.startswith(EVIL)
    assert "evil.example" not in location
    assert re.search(r"/wifi/[a-z0-9-]+/($|&)", location.replace("%2F", "/"))


def test_rate_limit_is_per_client_identity_not_per_address(tmp_path: Path,
                                                           sqlite_template: Path) -> None:
    app = make_wifi_app(tmp_path, sqlite_template, PORTAL_WIFI_CLIENT_RATE="3",
                        PORTAL_WIFI_GATEWAY_RATE="6")
    client = app.test_client()
    base = "/wifi/arrive/meraki?" + meraki_query("https://n1.network-auth.com/splash/grant")
    for _ in range(3):
        arrive(client, base)
    assert "ten minutes" in arrive(client, base, status=429)  # the same phone, a fourth time
    other = base.replace("60%3Ae3%3Aac%3Af7%3A48%3A08", "60%3Ae3%3Aac%3Af7%3A48%3A09")
    arrive(client, other)  # another phone behind the same address is served
    arrive(client, other)
    third = base.replace("60%3Ae3%3Aac%3Af7%3A48%3A08", "60%3Ae3%3Aac%3Af7%3A48%3A10")
    arrive(client, third)
    assert "access point" in arrive(client, third, status=429)  # the gateway's limit: 6/min




def test_already_connected_clients_see_the_landing_page(client: FlaskClient,
                                                        wifi_app: Flask) -> None:
    html = arrive(client, f"{FAS}?clientip=192.168.8.23&gatewayname=LK%20Station%201"
                          "&status=authenticated")
    assert 'role="status"' in html and 'name="arrival"' not in html
    url = coova_path(coova_url(UAMSERVER, UAMSECRET, challenge="12" * 16,
                               nasid="lk-jablonec-bus")).replace("res=notyet", "res=already")
    raw = url.split("?", 1)[1].split("&md=")[0]  # the gateway recomputes md for res=already
    md = hashlib.md5((UAMSERVER + "?" + raw + UAMSECRET).encode()).hexdigest().upper()
    html = arrive(client, f"/wifi/arrive/coova?{raw}&md={md}")
    assert 'role="status"' in html and grants(wifi_app) == 0


def test_authmon_clear_and_list_and_bad_polls(client: FlaskClient) -> None:
    hid = opennds_hid()
    html = arrive(client, opennds_level1_url(FAS, opennds_query(hid=hid, gatewayname="LK-Turnov",
                                                                  level=4)))
    connect(client, token_of(html), status=200)
    gatewayhash = sha256hex(quote("LK-Turnov", safe=""))
    listed = client.post(FAS, data={"auth_get": "list", "gatewayhash": gatewayhash,
                                    "payload": "none"}).get_data(as_text=True)
    assert listed.startswith("* " + sha256hex(hid + FASKEY))
    assert client.post(FAS, data={"auth_get": "view", "gatewayhash": gatewayhash,
                                  "payload": "none"}).get_data(as_text=True) == "*"
    assert client.post(FAS, data={"auth_get": "clear", "gatewayhash": gatewayhash}).data == b"ack"
    assert client.post(FAS, data={"auth_get": "view", "gatewayhash": "nothex"}).status_code == 400
    assert client.post(FAS, data={"auth_get": "steal", "gatewayhash": gatewayhash}
                       ).status_code == 400
    assert client.post("/wifi/arrive/meraki", data={}).status_code == 405
