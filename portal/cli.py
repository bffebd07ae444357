"""The ``portal`` command line: a Flask CLI group whose commands each call one service."""

from __future__ import annotations

import sys
from collections import Counter

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext
from werkzeug.serving import WSGIRequestHandler

from captive_portal.demo import load_locations
from catalog.db import transaction
from catalog.demo import load_datasets, load_editorial, load_objects, load_reuses
from catalog.errors import ConfigurationError
from catalog.search.indexer import check, reindex
from portal import migrate
from portal.config import describe
from portal.state import PortalState, state
from portal.wifi_cli import wifi


def _create_app() -> Flask:
    from portal.app import create_app

    try:
        return create_app()
    except ConfigurationError as exc:
        click.echo(f"Configuration error: {exc.variable}: {exc.message}", err=True)
        sys.exit(2)


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False,
             add_default_commands=False)
def cli() -> None:
    """The Liberec Region open-data portal."""


def _state() -> PortalState:
    return state()


@cli.group()
def db() -> None:
    """The catalog database."""


@db.command("upgrade")
@with_appcontext
def db_upgrade() -> None:
    """Create or migrate the database schema to the newest revision."""
    settings = _state().settings
    if settings.database_url.startswith("sqlite"):
        settings.instance_path.mkdir(parents=True, exist_ok=True)
    migrate.upgrade(settings.database_url)
    click.echo("database is at the newest revision")


@cli.group()
def demo() -> None:
    """The bundled Liberec demo catalog."""


@demo.command("load")
@with_appcontext
def demo_load() -> None:
    """Load (or refresh) the demo datasets, collection objects, reuses, editorial content
    (projects, events, news, pages) and Wi-Fi locations."""
    portal = _state()
    base_url = portal.settings.base_url
    for label, loader in (("datasets", load_datasets), ("objects", load_objects),
                          ("reuses", load_reuses), ("editorial", load_editorial)):
        with transaction(portal.engine) as session:
            outcomes = Counter(outcome.value for _, outcome in loader(session, base_url=base_url))
        click.echo(f"{label}: " + ", ".join(f"{n} {what}" for what, n in sorted(outcomes.items())))
    with transaction(portal.engine) as session:
        slugs = list(load_locations(session))
    click.echo(f"wifi locations: {len(slugs)}")
    _demo_wifi(portal)
    applied = portal.drain(wait=True)
    click.echo(f"search index: {applied} changes applied")


@cli.group()
def search() -> None:
    """The search index."""


@search.command("drain")
@with_appcontext
def search_drain() -> None:
    """Apply queued changes to the search index."""
    portal = _state()
    click.echo(f"{portal.drain(wait=True)} changes applied")


@search.command("reindex")
@with_appcontext
def search_reindex() -> None:
    """Rebuild the search index from the database."""
    portal = _state()

    def progress(kind: str, written: int) -> None:
        click.echo(f"  {kind}: {written} documents", err=True)

    written = reindex(portal.engine, portal.search, progress=progress, derived=portal.derived)
    click.echo(f"{written} documents indexed")


@search.command("check")
@with_appcontext
def search_check() -> None:
    """Report drift between the database and the index; exits 1 when there is any."""
    portal = _state()
    report = check(portal.engine, portal.search)
    click.echo(f"missing: {len(report.missing)}  extra: {len(report.extra)}  "
               f"stale: {len(report.stale)}  queued: {report.pending}")
    for label, keys in (("missing", report.missing), ("extra", report.extra),
                        ("stale", report.stale)):
        for key in keys[:20]:
            click.echo(f"  {label} {key}")
    click.echo(f"drift: {report.drift}")
    if report.drift:
        sys.exit(1)


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, envvar="PORT", type=int)
@with_appcontext
def serve(host: str, port: int) -> None:
    """Serve the portal with the development server (production: gunicorn, see README)."""
    from flask import current_app
    from werkzeug.serving import run_simple

    click.echo(f"Serving the portal on http://{host}:{port}/  (Ctrl+C stops it)")
    # Not app.run(): Flask ignores it inside a CLI command.
    run_simple(host, port, current_app._get_current_object(),  # type: ignore[attr-defined]
               threaded=True, use_reloader=False, request_handler=PrivateRequestHandler)


class PrivateRequestHandler(WSGIRequestHandler):
    """The development server's request log without the client address or the query string:
    Wi-Fi gateways put client MAC and IP addresses in the query."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        path = self.path.split("?", 1)[0]
        self.log("info", '"%s %s" %s %s', self.command, path, code, size)

    def address_string(self) -> str:
        return "-"


@cli.command("config")
def config_help() -> None:
    """List every setting: environment variable, default and meaning."""
    for variable, default, doc in describe():
        click.echo(f"{variable}\n    default: {default or '(none)'}\n    {doc}")


def _demo_wifi(portal: PortalState) -> None:
    """The Wi-Fi part of the demo: simulated gateways, notices, the demo timetable."""
    from datetime import UTC, datetime

    from captive_portal.demo import load_wifi_demo
    from captive_portal.publishing import DEMO_TIMETABLE_SLUG, refresh_timetable
    from portal.wifi_runtime import runtime, timetable_fetch

    base_url = portal.settings.base_url
    with transaction(portal.engine) as session:
        load_wifi_demo(session, base_url=base_url, now=datetime.now(UTC).replace(tzinfo=None))
    with transaction(portal.engine) as session:
        refresh_timetable(session, DEMO_TIMETABLE_SLUG, runtime().timetable_path,
                          base_url=base_url, fetch=timetable_fetch(portal.settings))
    click.echo("wifi: simulated gateways, notices and the demo timetable loaded")


def _register_feature_commands() -> None:
    """Each feature's command group, in one table (imported late: they use this module's
    helpers)."""
    from portal.accounts.cli import accounts_cli
    from portal.addresses_cli import datasets_cli
    from portal.api.dumps_cli import dumps_cli
    from portal.catalog_commands import catalog_group, links_group, quality_group, sparql_group
    from portal.harvest_cli import harvest
    from portal.museum_cli import museum_cli
    from portal.notifications import notifications_cli

    for group in (accounts_cli, notifications_cli, dumps_cli, museum_cli, catalog_group,
                  quality_group, links_group, sparql_group, wifi, datasets_cli, harvest):
        cli.add_command(group)


_register_feature_commands()


def main() -> None:
    cli(prog_name="portal")
