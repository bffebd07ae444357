"""``portal wifi``: the location registry, gateways, notices, timetable, retention."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime

import click
from flask.cli import with_appcontext

from captive_portal.announcements import announce, list_all, withdraw
from captive_portal.controllers import CONTROLLERS
from captive_portal.gateways import add_gateway, list_gateways, missing_secrets
from captive_portal.locations import LOCATION_KINDS, list_locations, upsert_location
from captive_portal.publishing import DEMO_TIMETABLE_SLUG, ensure_stats_dataset, refresh_timetable
from captive_portal.retention import purge
from catalog.db import transaction
from catalog.errors import NotFound, ValidationError
from portal.state import state
from portal.wifi_runtime import runtime, timetable_fetch


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _fail(exc: Exception) -> None:
    click.echo(f"error: {exc}", err=True)
    sys.exit(2)


@click.group()
def wifi() -> None:
    """The regional public Wi-Fi: locations, gateways, notices."""


@wifi.command("locations")
@with_appcontext
def locations_command() -> None:
    """List the locations, one a line: slug, kind, coordinates, Czech name."""
    with transaction(state().engine) as session:
        for location in list_locations(session):
            click.echo(f"{location.slug}\t{location.kind}\t{location.lat:.5f},{location.lon:.5f}"
                       f"\t{location.name.get('cs', '')}")


@wifi.command("add-location")
@click.argument("slug")
@click.option("--name", "names", multiple=True, required=True, metavar="LANG=TEXT",
              help="name in a language (cs required), repeatable")
@click.option("--kind", type=click.Choice(LOCATION_KINDS), required=True)
@click.option("--lat", type=float, required=True)
@click.option("--lon", type=float, required=True)
@click.option("--municipality", help="RÚIAN IRI of the municipality")
@click.option("--stop", "stops", multiple=True, help="public-transport stop id (GTFS stop_id)")
@click.option("--settings", "settings_json", help="content settings as JSON (pois, radius_km, "
              "departures, wifi4eu_network)")
@with_appcontext
def add_location_command(slug: str, names: tuple[str, ...], kind: str, lat: float, lon: float,
                         municipality: str | None, stops: tuple[str, ...],
                         settings_json: str | None) -> None:
    """Add a location or update it (by SLUG)."""
    name = dict(item.split("=", 1) for item in names if "=" in item)
    record = {"slug": slug, "name": name, "kind": kind, "lat": lat, "lon": lon,
              "municipality": municipality, "stop_ids": list(stops)}
    try:
        if settings_json:
            record["settings"] = json.loads(settings_json)
        with transaction(state().engine) as session:
            upsert_location(session, record)
    except (ValidationError, ValueError) as exc:
        _fail(exc)
    click.echo(f"location {slug} saved")


@wifi.command("gateways")
@with_appcontext
def gateways_command() -> None:
    """List the gateways: controller, identifier, location, secret name."""
    with transaction(state().engine) as session:
        for row in list_gateways(session):
            gateway = row.gateway
            click.echo(f"{gateway.controller}\t{gateway.identifier}\t{row.location_slug}\t"
                       f"{gateway.secret_name or '-'}\t{json.dumps(gateway.options)}")


@wifi.command("add-gateway")
@click.argument("location")
@click.option("--controller", type=click.Choice(CONTROLLERS), required=True)
@click.option("--id", "identifier", required=True, help="gatewayname, nasid, AP MAC, site, "
              "RouterOS identity, ...")
@click.option("--secret", "secret_name", help="NAME: the key is PORTAL_WIFI_SECRET_<NAME>")
@click.option("--option", "options", multiple=True, metavar="KEY=VALUE",
              help="controller option (level, address, uamserver, username, controller_url, "
                   "site_id, login_host, session_minutes), repeatable")
@with_appcontext
def add_gateway_command(location: str, controller: str, identifier: str,
                        secret_name: str | None, options: tuple[str, ...]) -> None:
    """Map a gateway to LOCATION (or move it there)."""
    values: dict[str, object] = {}
    for item in options:
        key, sep, value = item.partition("=")
        if not sep:
            _fail(ValueError(f"--option {item!r} must be KEY=VALUE"))
        values[key] = int(value) if value.isdigit() else value
    try:
        with transaction(state().engine) as session:
            gateway = add_gateway(session, location, controller=controller,
                                  identifier=identifier, secret_name=secret_name, options=values)
            click.echo(f"gateway {gateway.controller} {gateway.identifier} -> {location}")
    except (ValidationError, NotFound) as exc:
        _fail(exc)
    runtime().forget()


@wifi.command("check")
@with_appcontext
def check_command() -> None:
    """Report gateways whose secret is missing from the configuration; exits 1 when any."""
    settings = state().settings
    with transaction(state().engine) as session:
        problems = missing_secrets(session, settings.wifi_secrets)
    for row, problem in problems:
        click.echo(f"{row.gateway.controller}\t{row.gateway.identifier}\t{row.location_slug}\t"
                   f"{problem}")
    click.echo(f"{len(problems)} gateway(s) with a missing secret")
    if problems:
        sys.exit(1)


@wifi.command("purge")
@with_appcontext
def purge_command() -> None:
    """Delete grant records past the retention and expired replay digests; publish the
    hourly-connections dataset."""
    portal = state()
    with transaction(portal.engine) as session:
        report = purge(session, now=_now(), retention_days=portal.settings.wifi_retention_days)
        ensure_stats_dataset(session, portal.settings.base_url)
    portal.drain(wait=True)
    click.echo(f"purged: {report.grants} grant records, {report.once} replay digests, "
               f"{report.pending} uncollected grants")


@wifi.command("announce")
@click.argument("location", required=False)
@click.option("--title", "titles", multiple=True, required=True, metavar="LANG=TEXT")
@click.option("--body", "bodies", multiple=True, metavar="LANG=TEXT")
@click.option("--expires", type=click.DateTime(), help="UTC date/time the notice ends")
@with_appcontext
def announce_command(location: str | None, titles: tuple[str, ...], bodies: tuple[str, ...],
                     expires: datetime | None) -> None:
    """Publish a notice at LOCATION (omitted: at every location)."""
    data = {"title": dict(t.split("=", 1) for t in titles if "=" in t),
            "body": dict(b.split("=", 1) for b in bodies if "=" in b), "expires_at": expires}
    try:
        with transaction(state().engine) as session:
            item = announce(session, location, data, now=_now())
            click.echo(f"announcement {item.id} published")
    except (ValidationError, NotFound) as exc:
        _fail(exc)
    runtime().forget()


@wifi.command("announcements")
@click.option("--withdraw", "withdraw_id", type=int, help="delete the notice with this id")
@with_appcontext
def announcements_command(withdraw_id: int | None) -> None:
    """List the notices (id, location, published, Czech title), or withdraw one."""
    with transaction(state().engine) as session:
        if withdraw_id is not None:
            try:
                withdraw(session, withdraw_id)
            except NotFound as exc:
                _fail(exc)
            click.echo(f"announcement {withdraw_id} withdrawn")
            return
        for item, slug in list_all(session):
            click.echo(f"{item.id}\t{slug or '*'}\t{item.published_at:%Y-%m-%d %H:%M}\t"
                       f"{item.title.get('cs', '')}")
    runtime().forget()


@wifi.command("timetable")
@click.option("--dataset", default=DEMO_TIMETABLE_SLUG, show_default=True,
              help="slug of the catalog dataset whose GTFS (ZIP) distribution to use")
@with_appcontext
def timetable_command(dataset: str) -> None:
    """Download the GTFS distribution of DATASET for the departures on the splash pages."""
    portal = state()
    try:
        with transaction(portal.engine) as session:
            url, count = refresh_timetable(session, dataset, runtime().timetable_path,
                                           base_url=portal.settings.base_url,
                                           fetch=timetable_fetch(portal.settings))
    except Exception as exc:  # a failed download keeps the previous timetable
        _fail(exc)
    click.echo(f"timetable from {url}: {count} departures")
    runtime().forget()
