"""``portal datasets rename|alias``: change a dataset's slug (the old address redirects) and
record the previous portal's address of a dataset."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from catalog.aliases import add_arcgis_alias, rename_dataset
from catalog.db import transaction
from catalog.errors import NotFound, ValidationError
from portal.state import state


@click.group("datasets")
def datasets_cli() -> None:
    """Addresses of datasets."""


@datasets_cli.command("rename")
@click.argument("slug")
@click.argument("new_slug")
@with_appcontext
def rename(slug: str, new_slug: str) -> None:
    """Give dataset SLUG the slug NEW_SLUG; /datasets/SLUG then redirects permanently."""
    portal = state()
    try:
        with transaction(portal.engine) as session:
            rename_dataset(session, slug, new_slug)
    except (NotFound, ValidationError) as exc:
        raise click.ClickException(str(exc)) from None
    portal.drain()
    click.echo(f"/datasets/{slug} now redirects to /datasets/{new_slug}")


@datasets_cli.command("alias")
@click.argument("slug")
@click.argument("arcgis_key")
@with_appcontext
def alias(slug: str, arcgis_key: str) -> None:
    """Redirect the previous portal's /datasets/ARCGIS_KEY (item id_layer) to dataset SLUG."""
    try:
        with transaction(state().engine) as session:
            add_arcgis_alias(session, slug, arcgis_key)
    except (NotFound, ValidationError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"/datasets/{arcgis_key} now redirects to /datasets/{slug}")
