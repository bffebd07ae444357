"""``portal museum ...``: import a LIDO, CSV or zip file into a museum's collection from the
command line (the same checks and report as a curator's upload)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from catalog import queries
from catalog.db import transaction
from catalog.errors import CatalogError
from catalog.models import AgentKind
from catalog.museum.datasets import sync_collection_datasets
from catalog.museum.imports import get_import, process_import, publish_import, report, start_import
from catalog.museum.models import ImportStatus
from portal.state import state


@click.group("museum")
def museum_cli() -> None:
    """The museum collections register."""


@museum_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--institution", required=True, help="slug of the museum the records belong to")
@click.option("--valid-only", is_flag=True, help="import the valid records of a file that "
              "also has invalid ones")
@click.option("--check", is_flag=True, help="only check the file and print its report")
@with_appcontext
def import_file(path: Path, institution: str, valid_only: bool, check: bool) -> None:
    """Check and import PATH (LIDO XML, CSV with the Czech evidence fields, or a zip)."""
    portal = state()
    try:
        with transaction(portal.engine) as session:
            museum = queries.agent(session, institution, AgentKind.INSTITUTION)
            import_id = start_import(session, institution=museum, filename=path.name,
                                     created_by="command line").id or 0
        upload = process_import(portal.engine, import_id, path)
    except CatalogError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    click.echo(f"{upload.total} records: {upload.valid} valid, {upload.invalid} invalid")
    if upload.file_error:
        click.echo(f"the file is refused: {upload.file_error}", err=True)
    with transaction(portal.engine) as session:
        for row in report(session, import_id, limit=50):
            for problem in row.errors + row.warnings:
                where = f"{problem.get('file', path.name)}:{problem['record']}"
                click.echo(f"  {where} {problem['field']}: {problem['message']}")
    if check or upload.status != ImportStatus.VALIDATED:
        sys.exit(0 if upload.status == ImportStatus.VALIDATED else 1)
    try:
        publish_import(portal.engine, import_id, valid_only=valid_only,
                       base_url=portal.settings.base_url)
    except CatalogError as exc:
        click.echo(f"not imported: {exc}", err=True)
        sys.exit(1)
    with transaction(portal.engine) as session:
        click.echo(f"imported and published {get_import(session, import_id).imported} records")
    applied = portal.drain(wait=True)
    click.echo(f"search index: {applied} changes applied")


@museum_cli.command("datasets")
@with_appcontext
def datasets() -> None:
    """Publish each museum's collection as a dataset of the catalog (LIDO and EDM dumps, the
    OAI-PMH endpoint as a data service)."""
    portal = state()
    try:
        with transaction(portal.engine) as session:
            outcomes = list(sync_collection_datasets(
                session, publisher=portal.settings.museum_dataset_publisher,
                base_url=portal.settings.base_url))
    except CatalogError as exc:
        click.echo(f"error: {exc} (PORTAL_MUSEUM_DATASET_PUBLISHER names the publisher)",
                   err=True)
        sys.exit(1)
    for slug, outcome in outcomes:
        click.echo(f"{slug}: {outcome.value}")
    portal.drain(wait=True)
