"""``portal dumps build``: write every bulk dump and list them in the catalog."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from portal.api.dumps import DumpFile, build_and_publish
from portal.state import state


@click.group("dumps")
def dumps_cli() -> None:
    """Bulk dumps of the catalog."""


@dumps_cli.command("build")
@with_appcontext
def build() -> None:
    """Write the dumps (atomically replacing the old ones) and publish them as distributions
    of the catalog-metadata dataset."""
    portal = state()

    def progress(done: DumpFile) -> None:
        click.echo(f"  {done.name}: {done.records} records, {done.byte_size} bytes")

    files, outcome = build_and_publish(portal.engine, portal.settings, progress=progress)
    portal.drain(wait=True)
    click.echo(f"{len(files)} dumps in {portal.settings.dumps_path}; catalog-metadata dataset "
               f"{outcome.value}")
