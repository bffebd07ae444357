"""``portal catalog export|validate``: the bulk RDF dump and the conformance report."""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlmodel import Session

from catalog.quality.findings import Severity
from catalog.quality.validation import load_shapes, validate_records
from catalog.rdf.export import export_catalog
from catalog.rdf.queries import catalog_record, iter_dataset_records
from catalog.rdf.stream import FORMATS
from portal.state import state


@click.group("catalog")
def catalog_group() -> None:
    """The catalog as linked data."""


@catalog_group.command("export")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="ttl", show_default=True)
@click.option("--lkod", is_flag=True, help="With jsonld: the LKOD form (Czech keys).")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, allow_dash=True))
@with_appcontext
def export(fmt: str, lkod: bool, file: str) -> None:
    """Stream every published dataset to FILE ('-' for standard output)."""
    portal = state()

    def progress(count: int) -> None:
        click.echo(f"  {count} datasets", err=True)

    with click.open_file(file, "w", encoding="utf-8") as out:
        count = export_catalog(portal.engine, out, fmt, base_url=portal.settings.base_url,
                               lkod=lkod, progress=progress)
    click.echo(f"{count} datasets written to {file}", err=True)


@catalog_group.command("validate")
@click.option("--shapes", "shape_files", multiple=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Other SHACL shapes (e.g. the official DCAT-AP ones) instead of ours.")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
@click.option("--limit", default=50, show_default=True, help="Findings listed per severity.")
@with_appcontext
def validate(shape_files: tuple[Path, ...], as_json: bool, limit: int) -> None:
    """SHACL and NKOD-style checks over the published catalog; exits 1 on violations."""
    portal = state()
    shapes = load_shapes(*shape_files)
    with Session(portal.engine) as session:
        report = validate_records(iter_dataset_records(session), shapes=shapes,
                                  catalog=catalog_record(session, portal.settings.base_url))
    if as_json:
        click.echo(json.dumps({"datasets": report.datasets, "conforms": report.conforms,
                               "findings": [f.__dict__ for f in report.findings]},
                              ensure_ascii=False, indent=1))
    else:
        click.echo(f"datasets: {report.datasets}  violations: "
                   f"{report.count(Severity.VIOLATION)}  warnings: "
                   f"{report.count(Severity.WARNING)}")
        for severity in (Severity.VIOLATION, Severity.WARNING):
            # pyshacl's own messages name the node: group by what was wrong, not where
            grouped = Counter((f.source, f.path, re.sub(r" on .*", "", f.message))
                              for f in report.findings if f.severity is severity)
            for (source, path, message), count in grouped.most_common(limit):
                click.echo(f"  {severity.value} ×{count} [{source}] {path}: {message}")
    if not report.conforms:
        sys.exit(1)


@click.group("quality")
def quality_group() -> None:
    """Metadata quality scores."""


@quality_group.command("assess")
@with_appcontext
def quality_assess() -> None:
    """Score every published dataset (SHACL, NKOD checks, last link checks) and store it."""
    from datetime import date

    from catalog.quality.jobs import assess_catalog
    from harvesters.queries import placeholder_fields

    report = assess_catalog(state().engine, today=date.today(),
                            progress=lambda n: click.echo(f"  {n} datasets", err=True),
                            source_flags=placeholder_fields)
    click.echo(f"{report.datasets} datasets scored; {report.violations} violations; "
               f"{report.stale} not updated within their frequency; {report.placeholders} "
               "with template placeholders at their harvest source")


@click.group("links")
def links_group() -> None:
    """The link checker."""


@links_group.command("check")
@click.option("--force", is_flag=True, help="Check again URLs checked within --max-age.")
@click.option("--max-age", default=24, show_default=True, help="Hours a result is reused.")
@click.option("--per-host", default=2, show_default=True, help="Parallel requests per host.")
@click.option("--delay", default=0.5, show_default=True, help="Seconds between requests to a host.")
@with_appcontext
def links_check(force: bool, max_age: int, per_host: int, delay: float) -> None:
    """Request every access and download URL (HEAD, then a ranged GET) and record the result."""
    from datetime import timedelta

    from catalog.models import utcnow
    from catalog.quality.links import check_links
    from harvesters.http import HttpClient
    from harvesters.link_probe import HttpLinkProber, link_check_policy

    settings = state().settings
    client = HttpClient(link_check_policy(settings.harvest_allowed_networks))
    try:
        report = check_links(state().engine, HttpLinkProber(client), now=utcnow(),
                             max_age=timedelta(hours=max_age), per_host=per_host, delay=delay,
                             force=force, progress=lambda n: click.echo(f"  {n} URLs", err=True))
    finally:
        client.close()
    click.echo(f"{report.checked} URLs checked, {report.broken} broken; "
               f"{report.reused} recent results reused")


@click.group("sparql")
def sparql_group() -> None:
    """The SPARQL endpoint's store."""


@sparql_group.command("rebuild")
@with_appcontext
def sparql_rebuild() -> None:
    """Load the published catalog into a fresh Oxigraph store and swap it in (run after
    changes, e.g. from cron; queries keep using the old store until the swap)."""
    portal = state()
    count = portal.sparql.rebuild(portal.engine)
    click.echo(f"SPARQL store rebuilt: {count} datasets")
