"""The location registry and gateways through ``portal wifi``; secrets only by name; the grant
log and hourly counts on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from flask import Flask
from sqlalchemy import Engine
from sqlmodel import select

from captive_portal.demo import load_locations
from captive_portal.flow import log_grant
from captive_portal.gateways import add_gateway, load_directory, missing_secrets
from captive_portal.locations import get_location
from captive_portal.models import WifiGateway, WifiGrant, WifiHourly
from captive_portal.retention import purge
from catalog.db import transaction
from portal.state import state
from portal.wifi_cli import wifi
from tests.wifi_app import make_wifi_app


def test_locations_list_one_a_line_slug_first(app: Flask) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(wifi, ["add-location", "liberec-zoo", "--name", "cs=Zoo Liberec",
                                  "--name", "de=Zoo Reichenberg", "--kind", "square",
                                  "--lat", "50.7728", "--lon", "15.0713", "--municipality",
                                  "https://linked.cuzk.cz/resource/ruian/obec/563889",
                                  "--stop", "U5040Z1", "--settings",
                                  '{"radius_km": 1.5, "departures": 4}'])
    assert result.exit_code == 0, result.output
    lines = runner.invoke(wifi, ["locations"]).output.splitlines()
    assert lines == ["liberec-zoo\tsquare\t50.77280,15.07130\tZoo Liberec"]
    with transaction(state(app).engine) as session:
        location = get_location(session, "liberec-zoo")
        assert location.stop_ids == ["U5040Z1"] and location.settings["radius_km"] == 1.5
        assert location.name == {"cs": "Zoo Liberec", "de": "Zoo Reichenberg"}


def test_add_location_refuses_bad_input_naming_the_field(app: Flask) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(wifi, ["add-location", "x", "--name", "en=No Czech", "--kind",
                                  "square", "--lat", "50", "--lon", "15"])
    assert result.exit_code == 2 and "name" in result.output
    result = runner.invoke(wifi, ["add-location", "x", "--name", "cs=X", "--kind", "square",
                                  "--lat", "95", "--lon", "15"])
    assert result.exit_code == 2 and "lat" in result.output


def test_gateways_store_the_secret_name_and_check_reports_missing_values(
        tmp_path: Path, sqlite_template: Path) -> None:
    app = make_wifi_app(tmp_path, sqlite_template)
    runner = app.test_cli_runner()
    result = runner.invoke(wifi, ["add-gateway", "liberec-fugnerova", "--controller", "opennds",
                                  "--id", "LK-Tram-Stop", "--secret", "NDS_TRAM",
                                  "--option", "level=2"])
    assert result.exit_code == 0, result.output
    listed = runner.invoke(wifi, ["gateways"]).output
    assert "opennds\tLK-Tram-Stop\tliberec-fugnerova\tNDS_TRAM\t{\"level\": 2}" in listed
    check = runner.invoke(wifi, ["check"])
    assert check.exit_code == 1
    assert "LK-Tram-Stop\tliberec-fugnerova\tPORTAL_WIFI_SECRET_NDS_TRAM is not set" in \
        check.output
    with transaction(state(app).engine) as session:
        stored = session.exec(select(WifiGateway).where(
            WifiGateway.identifier == "LK-Tram-Stop")).one()
        assert stored.secret_name == "NDS_TRAM" and "secret" not in str(stored.options)
        directory = load_directory(session, {"NDS_TRAM": "k" * 64})
        assert directory.find("opennds", "LK-Tram-Stop").secret == "k" * 64
        assert missing_secrets(session, {**state(app).settings.wifi_secrets,
                                         "NDS_TRAM": "k"}) == []


def test_add_gateway_refuses_unknown_controller_location_or_secret_name(app: Flask) -> None:
    runner = app.test_cli_runner()
    with transaction(state(app).engine) as session:
        list(load_locations(session))
    assert runner.invoke(wifi, ["add-gateway", "liberec-fugnerova", "--controller", "aruba",
                                "--id", "x"]).exit_code == 2
    result = runner.invoke(wifi, ["add-gateway", "nowhere", "--controller", "meraki",
                                  "--id", "x"])
    assert result.exit_code == 2 and "nowhere" in result.output
    result = runner.invoke(wifi, ["add-gateway", "liberec-fugnerova", "--controller",
                                  "opennds", "--id", "x", "--secret", "lower-case"])
    assert result.exit_code == 2 and "PORTAL_WIFI_SECRET_" in result.output


def test_mac_identifiers_are_stored_normalised(engine: Engine) -> None:
    with transaction(engine) as session:
        list(load_locations(session))
        gateway = add_gateway(session, "turnov-nadrazi", controller="meraki",
                              identifier="88-15-44-AA-BB-0F")
        assert gateway.identifier == "88:15:44:aa:bb:0f"


def test_grant_log_hourly_counts_and_purge_on_both_databases(engine: Engine) -> None:
    now = datetime(2026, 12, 3, 9, 15)
    with transaction(engine) as session:
        list(load_locations(session))
        location = get_location(session, "turnov-nadrazi")
        for minutes in (0, 10, 70):
            log_grant(session, location_id=location.id or 0, controller="meraki",
                      terms_version="2026-11-01", pseudonym="p" * 32,
                      when=now + timedelta(minutes=minutes))
        log_grant(session, location_id=location.id or 0, controller="meraki",
                  terms_version="2026-11-01", pseudonym="q" * 32,
                  when=now - timedelta(days=45))
    with transaction(engine) as session:
        hours = sorted((h.hour, h.connections) for h in session.exec(select(WifiHourly)))
        assert hours[-2:] == [(datetime(2026, 12, 3, 9), 2), (datetime(2026, 12, 3, 10), 1)]
        report = purge(session, now=now + timedelta(hours=2), retention_days=30)
    assert report.grants == 1
    with transaction(engine) as session:
        assert len(session.exec(select(WifiGrant)).all()) == 3
        assert sum(h.connections for h in session.exec(select(WifiHourly))) == 4
