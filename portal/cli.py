"""The ``portal`` command line: a Flask CLI group whose commands each call one service."""

from __future__ import annotations

import sys
from collections import Counter

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext

from captive_portal.demo import load_locations
from catalog.db import transaction
from catalog.demo import load_datasets, load_objects
from catalog.errors import ConfigurationError
from catalog.search.indexer import check, drain_outbox, reindex
from portal import migrate
from portal.config import describe
from portal.state import PortalState, state


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
    """Load (or refresh) the demo datasets, collection objects and Wi-Fi locations."""
    portal = _state()
    base_url = portal.settings.base_url
    for label, loader in (("datasets", load_datasets), ("objects", load_objects)):
        with transaction(portal.engine) as session:
            outcomes = Counter(outcome.value for _, outcome in loader(session, base_url=base_url))
        click.echo(f"{label}: " + ", ".join(f"{n} {what}" for what, n in sorted(outcomes.items())))
    with transaction(portal.engine) as session:
        slugs = list(load_locations(session))
    click.echo(f"wifi locations: {len(slugs)}")
    applied = drain_outbox(portal.engine, portal.search, wait=True)
    click.echo(f"search index: {applied} changes applied")


@cli.group()
def search() -> None:
    """The search index."""


@search.command("drain")
@with_appcontext
def search_drain() -> None:
    """Apply queued changes to the search index."""
    portal = _state()
    click.echo(f"{drain_outbox(portal.engine, portal.search, wait=True)} changes applied")


@search.command("reindex")
@with_appcontext
def search_reindex() -> None:
    """Rebuild the search index from the database."""
    portal = _state()

    def progress(kind: str, written: int) -> None:
        click.echo(f"  {kind}: {written} documents", err=True)

    written = reindex(portal.engine, portal.search, progress=progress)
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
               threaded=True, use_reloader=False)


@cli.command("config")
def config_help() -> None:
    """List every setting: environment variable, default and meaning."""
    for variable, default, doc in describe():
        click.echo(f"{variable}\n    default: {default or '(none)'}\n    {doc}")


from portal.accounts.cli import accounts_cli  # noqa: E402 - the accounts feature's commands

cli.add_command(accounts_cli)

from portal.api.dumps_cli import dumps_cli  # noqa: E402 - the developer APIs' bulk dumps

cli.add_command(dumps_cli)


def main() -> None:
    cli(prog_name="portal")
