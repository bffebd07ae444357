"""A Wi-Fi test app: the demo locations with one gateway of each controller, keys from the
configuration, and helpers to arrive, read the token and connect."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func
from sqlmodel import select

from captive_portal.demo import load_locations
from captive_portal.gateways import add_gateway
from captive_portal.models import WifiGrant
from catalog.db import transaction
from portal.app import create_app
from portal.config import Settings
from portal.state import state
from tests.conftest import BASE_URL, make_settings
from tests.wifi_gateways import FASKEY

FAS = "/wifi/arrive/opennds"
STATION = "liberec-hlavni-nadrazi"
UAMSECRET = "uam-secret-of-the-bus-terminal"
GUEST_PASSWORD = "guest-password"
EVIL = "https://evil.example/phish"


def wifi_settings(instance: Path, **env: str) -> Settings:
    return make_settings(instance, PORTAL_WIFI_SECRET_NDS_STATION=FASKEY,
                         PORTAL_WIFI_SECRET_NDS_AES="f" * 64,
                         PORTAL_WIFI_SECRET_COOVA_BUS=UAMSECRET,
                         PORTAL_WIFI_SECRET_COOVA_BUS_GUEST=GUEST_PASSWORD,
                         PORTAL_WIFI_SECRET_UNIFI="unifi-api-key", **env)


def make_wifi_app(tmp_path: Path, sqlite_template: Path, **env: str) -> Flask:
    instance = tmp_path / "instance"
    instance.mkdir()
    shutil.copy(sqlite_template, instance / "portal.sqlite3")
    app = create_app(wifi_settings(instance, **env))
    with transaction(state(app).engine) as session:
        list(load_locations(session))
        add_gateway(session, STATION, controller="opennds", identifier="LK Station 1",
                    secret_name="NDS_STATION", options={"level": 1})
        add_gateway(session, "liberec-fugnerova", controller="opennds",
                    identifier="LK-Fugnerova", secret_name="NDS_AES", options={"level": 2})
        add_gateway(session, "turnov-nadrazi", controller="opennds", identifier="LK-Turnov",
                    secret_name="NDS_STATION", options={"level": 4})
        add_gateway(session, "jablonec-nad-nisou-autobusove-nadrazi", controller="coova",
                    identifier="lk-jablonec-bus", secret_name="COOVA_BUS")
        add_gateway(session, "semily-nadrazi", controller="meraki",
                    identifier="88:15:44:AA:BB:01")
        add_gateway(session, "frydlant-namesti", controller="mikrotik", identifier="LK-Frydlant",
                    options={"login_host": "10.5.50.1"})
    return app




def token_of(html: str) -> str:
    found = re.search(r'name="arrival" value="([^"]+)"', html)
    assert found, html[:2000]
    return found.group(1)


def arrive(client: FlaskClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:800]
    return response.get_data(as_text=True)


def connect(client: FlaskClient, token: str, status: int = 303) -> str:
    response = client.post("/wifi/connect", data={"arrival": token})
    assert response.status_code == status, response.get_data(as_text=True)[:800]
    return response.headers.get("Location", "") or response.get_data(as_text=True)


def grants(app: Flask) -> int:
    with transaction(state(app).engine) as session:
        return session.exec(select(func.count()).select_from(WifiGrant)).one()


def landing(slug: str) -> str:
    return f"{BASE_URL}/wifi/{slug}/"


