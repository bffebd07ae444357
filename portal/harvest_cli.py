"""``portal harvest …``: register sources, run, preview and inspect harvest jobs."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext
from sqlmodel import Session

from catalog.db import transaction
from catalog.errors import CatalogError
from harvesters import queries, services
from harvesters.errors import HarvestError
from harvesters.models import JobStatus, Schedule, SourceType
from harvesters.reports import COUNT_NAMES, Counts
from harvesters.runner import RunReport, get_source, preview_source, run_due, run_source
from portal.harvesting import harvest_settings, http_client
from portal.state import state


@click.group()
def harvest() -> None:
    """Harvest sources: other catalogs and museum systems."""


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(2)


def _option_pairs(values: tuple[str, ...]) -> dict[str, str]:
    options: dict[str, str] = {}
    for value in values:
        key, sep, item = value.partition("=")
        if not sep or not key:
            _fail(f"--option wants KEY=VALUE, got {value!r}")
        options[key] = item
    return options


@harvest.command("add")
@click.argument("name")
@click.option("--type", "type_", required=True, type=click.Choice([t.value for t in SourceType]))
@click.option("--url", required=True, help="endpoint or document URL (LIDO: also a file path)")
@click.option("--publisher", help="slug of the publisher (datasets) or institution (objects)")
@click.option("--metadata-prefix", type=click.Choice(["lido", "edm"]), help="OAI-PMH only")
@click.option("--set", "set_spec", help="OAI-PMH set")
@click.option("--schedule", default=Schedule.DAILY.value, show_default=True,
              type=click.Choice([s.value for s in Schedule]))
@click.option("--option", "options", multiple=True, help="KEY=VALUE adapter option (repeatable)")
@click.option("--match", "match", multiple=True, metavar="FIELD=REGEX",
              help="merge rule (repeatable): the first group of REGEX over FIELD (identifier, "
                   "landing-page, iri, remote-id) is an identity shared with other sources")
@with_appcontext
def harvest_add(name: str, type_: str, url: str, publisher: str | None,
                metadata_prefix: str | None, set_spec: str | None, schedule: str,
                options: tuple[str, ...], match: tuple[str, ...]) -> None:
    """Register a harvest source."""
    if type_ in services.FILE_TYPES and "://" not in url and not url.startswith("/"):
        url = str(Path(url).resolve())  # a file source given relative to where one stands
    try:
        with transaction(state().engine) as session:
            services.add_source(session, name=name, type=type_, url=url, publisher=publisher,
                                metadata_prefix=metadata_prefix, set_spec=set_spec,
                                schedule=schedule, options=_option_pairs(options),
                                match=match)
    except CatalogError as exc:
        _fail(str(exc))
    click.echo(f"source {name} added ({type_}, {schedule})")


@harvest.command("list")
@with_appcontext
def harvest_list() -> None:
    """List the sources with their last job."""
    with Session(state().engine) as session:
        sources = services.list_sources(session)
        if not sources:
            click.echo("no harvest sources")
        for source in sources:
            jobs = queries.last_jobs(session, source, 1)
            last = (f"{jobs[0].status} {jobs[0].started_at:%Y-%m-%d %H:%M} "
                    + _counts_text(jobs[0].counts)) if jobs else "never run"
            click.echo(f"{source.name:24} {source.type:8} {source.schedule:8} {last}")
            click.echo(f"{'':24} {source.url}")


def _counts_text(counts: dict[str, int]) -> str:
    return ", ".join(f"{counts[name]} {name}" for name in COUNT_NAMES)


def _report_text(report: RunReport) -> None:
    counts = {name: getattr(report.counts, name) for name in COUNT_NAMES}
    mode = "full" if report.full else "incremental"
    click.echo(f"{report.source}: {report.status} ({mode}, {report.seconds:.1f} s) "
               + _counts_text(counts))
    if report.error:
        click.echo(f"  error: {report.error}")
    for line in _issue_lines(report.issues, indent="  ", examples=False):
        click.echo(line)


def _issue_lines(issues: list[Any], *, indent: str, examples: bool) -> list[str]:
    """Errors and warnings grouped by message; template placeholders grouped by field."""
    def sample(found: list[str]) -> str:
        return f" (e.g. {', '.join(found[:3])})" if examples and found else ""

    lines = [f"{indent}{i.kind}: {i.count} records: {i.message}{sample(i.examples)}"
             for i in queries.other_issues(issues)[:20]]
    lines += [f"{indent}placeholders: {p.count} records: placeholder in {p.field}"
              f"{sample(p.examples)}" for p in queries.placeholder_groups(issues)[:20]]
    return lines


def _progress(counts: Counts) -> None:
    click.echo(f"  … {counts.seen} records ({counts.added} added, {counts.updated} updated, "
               f"{counts.unchanged} unchanged, {counts.errored} errored)", err=True)


@harvest.command("run")
@click.argument("name")
@click.option("--full/--incremental", default=None,
              help="read everything (and archive what disappeared) or only changes; "
                   "default: as the schedule says")
@with_appcontext
def harvest_run(name: str, full: bool | None) -> None:
    """Harvest one source now."""
    portal = state()
    try:
        report = run_source(portal.engine, name, http=http_client(portal.settings),
                            settings=harvest_settings(portal.settings), index=portal.search,
                            full=full, progress=_progress, derived=portal.derived)
    except (CatalogError, HarvestError) as exc:
        _fail(str(exc))
    _report_text(report)
    if report.status is JobStatus.FAILED:
        sys.exit(1)


@harvest.command("preview")
@click.argument("name")
@with_appcontext
def harvest_preview(name: str) -> None:
    """Show what a full run would add, update, merge and archive, without writing anything."""
    portal = state()
    try:
        report = preview_source(portal.engine, name, http=http_client(portal.settings),
                                settings=harvest_settings(portal.settings))
    except (CatalogError, HarvestError) as exc:
        _fail(str(exc))
    click.echo("preview (nothing was written)")
    _report_text(report)
    for what in ("added", "updated", "merged", "archived"):
        for label in getattr(report.preview, what):
            click.echo(f"  would be {what}: {label}")
    if report.status is JobStatus.FAILED:
        sys.exit(1)


@harvest.command("show")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="the last job's status and counts as JSON")
@click.option("--jobs", "limit", default=5, show_default=True, help="how many jobs to show")
@with_appcontext
def harvest_show(name: str, as_json: bool, limit: int) -> None:
    """A source and its last jobs, with errors grouped by message."""
    with Session(state().engine) as session:
        try:
            source = get_source(session, name)
        except CatalogError as exc:
            _fail(str(exc))
        jobs = queries.last_jobs(session, source, max(limit, 1))
        if as_json:
            click.echo(json.dumps({
                "source": source.name, "type": source.type, "url": source.url,
                "schedule": source.schedule, "publisher": source.publisher,
                "match": list((source.options or {}).get("match") or []),
                "last_job": jobs[0].as_json() if jobs else None,
            }, ensure_ascii=False, indent=2))
            return
        click.echo(f"{source.name} ({source.type}, {source.schedule}) {source.url}")
        if source.publisher:
            click.echo(f"  publisher: {source.publisher}")
        for rule in (source.options or {}).get("match") or []:
            click.echo(f"  merge rule: {rule}")
        if not jobs:
            click.echo("  never run")
        for job in jobs:
            mode = "full" if job.full else "incremental"
            click.echo(f"  job {job.id} {job.status} ({mode}) {job.started_at:%Y-%m-%d %H:%M:%S}"
                       f": {_counts_text(job.counts)}")
            if job.error:
                click.echo(f"    error: {job.error}")
            for line in _issue_lines(job.issues, indent="    ", examples=True):
                click.echo(line)


@harvest.command("delete")
@click.argument("name")
@click.option("--yes", is_flag=True, help="do not ask")
@with_appcontext
def harvest_delete(name: str, yes: bool) -> None:
    """Delete a source and its job history; its records stay in the catalog, unmanaged."""
    if not yes:
        click.confirm(f"Delete harvest source {name} and its job history?", abort=True)
    try:
        with transaction(state().engine) as session:
            released = services.delete_source(session, name)
    except CatalogError as exc:
        _fail(str(exc))
    click.echo(f"source {name} deleted; {released} records stay in the catalog, unmanaged")


@harvest.command("run-due")
@with_appcontext
def harvest_run_due() -> None:
    """Run every source whose schedule is due (for cron or a systemd timer)."""
    portal = state()
    reports = run_due(portal.engine, http=http_client(portal.settings),
                      settings=harvest_settings(portal.settings), index=portal.search,
                      progress=_progress, derived=portal.derived)
    if not reports:
        click.echo("no source is due")
    for report in reports:
        _report_text(report)
    if any(r.status is JobStatus.FAILED for r in reports):
        sys.exit(1)
