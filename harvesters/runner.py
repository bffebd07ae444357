"""A harvest run: read a source as a stream and write its records in ONE transaction, so a source
that fails to fetch or parse changes nothing; then close the job and index the changes.

Also the dry run (the same work, rolled back) and ``run_due`` for cron or a systemd timer.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session, select

from catalog.db import transaction
from catalog.errors import CatalogError, NotFound
from catalog.models import utcnow
from catalog.search.base import SearchIndex
from catalog.search.indexer import DerivedStore, drain_outbox
from harvesters import jobs, match_rules
from harvesters.errors import HarvestError
from harvesters.http import HttpClient, Validators
from harvesters.models import HarvestJob, HarvestSource, IssueKind, JobStatus, Schedule
from harvesters.reports import COUNT_NAMES, Counts, IssueGroup, IssueLog, Preview
from harvesters.sources import adapter_for, config_of
from harvesters.sources.base import Item, RunState
from harvesters.store import Store

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Progress = Callable[[Counts], None]

SCHEDULE_INTERVALS = {
    Schedule.HOURLY: timedelta(hours=1),
    Schedule.DAILY: timedelta(days=1),
    Schedule.WEEKLY: timedelta(days=7),
    Schedule.MONTHLY: timedelta(days=30),
}


@dataclass(frozen=True)
class HarvestSettings:
    """The knobs of a run, from the portal's ``PORTAL_HARVEST_*`` settings."""

    base_url: str
    grace_days: int = 7
    job_timeout: int = 4 * 3600
    full_every: int = 7
    batch_size: int = 200
    progress_every: int = 1000


@dataclass
class RunReport:
    """The outcome of a run or a preview."""

    source: str
    status: JobStatus
    full: bool
    counts: Counts
    issues: list[IssueGroup]
    error: str | None = None
    job_id: int | None = None
    preview: Preview = field(default_factory=Preview)
    seconds: float = 0.0


class SourceBusy(HarvestError):
    """Another run of the source holds its lock."""


class JobTimedOut(HarvestError):
    """The run went past the job timeout."""


class _Rollback(Exception):
    """Ends a preview's transaction without keeping anything."""


def get_source(session: Session, name: str) -> HarvestSource:
    source = session.exec(select(HarvestSource).where(HarvestSource.name == name)).first()
    if source is None:
        raise NotFound("harvest source", name)
    return source


def _wants_full(source: HarvestSource, incremental: bool, full: bool | None, scheduled: bool,
                full_every: int) -> bool:
    if full is not None:
        return full or not incremental
    if not incremental or source.cursor is None:
        return True
    return scheduled and (source.scheduled_runs + 1) % full_every == 0


def run_source(engine: Engine, name: str, *, http: HttpClient, settings: HarvestSettings,
               index: SearchIndex | None = None, full: bool | None = None,
               scheduled: bool = False, progress: Progress | None = None,
               clock: Clock = utcnow, document: str | None = None,
               derived: Sequence[DerivedStore] = ()) -> RunReport:
    """Harvest the source ``name`` once. ``full=None`` lets the schedule decide (first runs and
    every ``full_every``-th scheduled run read everything; others are incremental).
    ``document``: a local file read instead of the source's URL (a curator's LIDO upload)."""
    jobs.reap_stale(engine, job_timeout=settings.job_timeout, now=clock())
    with Session(engine) as session:
        source = get_source(session, name)
        config = config_of(source)
        adapter = adapter_for(config if document is None else replace(config, url=document))
        rules = match_rules.rules_of(source.options)
        is_full = _wants_full(source, adapter.incremental, full, scheduled, settings.full_every)
        source_id = source.id or 0
        state = _state(source, is_full)
    started = state.started = clock()
    job_id = jobs.create_job(engine, source_id, full=is_full, now=started)
    if not jobs.acquire_lock(engine, source_id, job_id, started):
        message = "another run of this source is in progress; this one did not start"
        jobs.finish_job(engine, job_id, status=JobStatus.FAILED, counts=Counts(), issues=[],
                        error=message, now=clock())
        raise SourceBusy(message)
    counts, issues = Counts(), IssueLog()
    report = RunReport(name, JobStatus.RUNNING, is_full, counts, [], job_id=job_id)
    began = time.monotonic()
    try:
        jobs.mark_running(engine, job_id)
        with transaction(engine) as session:
            store = Store(session, source_id=source_id, source_name=name,
                          default_agent=config_of_publisher(session, source_id),
                          job_id=job_id, base_url=settings.base_url, counts=counts,
                          issues=issues, preview=report.preview)
            items = match_rules.with_rule_keys(adapter.items(http, state), rules)
            _consume(items, store, settings, started, clock, progress)
            counts.unchanged += state.unchanged
            if state.not_modified:
                counts.unchanged += store.keep_present()
            _forget_failed(state, store.failed)
            if is_full and (state.complete or state.not_modified):
                _archive(store, issues, clock(), settings)
    except (HarvestError, CatalogError) as exc:
        report.status, report.error = JobStatus.FAILED, _failure(exc, counts)
    except Exception as exc:  # a bug or a database failure: still close the job, keep nothing
        log.exception("harvest of %s failed", name)
        report.status = JobStatus.FAILED
        report.error = _failure(exc, counts, internal=True)
    else:
        report.status = JobStatus.DONE_WITH_ERRORS if counts.errored else JobStatus.DONE
    finally:
        report.issues = issues.sorted()
        report.seconds = time.monotonic() - began
        if report.status is JobStatus.FAILED:
            _zero(counts)
        jobs.finish_job(engine, job_id, status=report.status, counts=counts,
                        issues=report.issues, error=report.error, now=clock())
        _remember(engine, source_id, state, report.status, scheduled)
        jobs.release_lock(engine, source_id, job_id)
    if index is not None and report.status is not JobStatus.FAILED:
        drain_outbox(engine, index, wait=True, derived=derived)
    return report


def preview_source(engine: Engine, name: str, *, http: HttpClient, settings: HarvestSettings,
                   full: bool = True, clock: Clock = utcnow) -> RunReport:
    """What a run would add, update, merge and archive: the same work in a transaction that is
    rolled back. No job, lock, cursor or validator is kept."""
    with Session(engine) as session:
        source = get_source(session, name)
        adapter = adapter_for(config_of(source))
        rules = match_rules.rules_of(source.options)
        is_full = full or not adapter.incremental or source.cursor is None
        source_id = source.id or 0
        state = RunState(since=None if is_full else source.cursor)
    counts, issues = Counts(), IssueLog()
    report = RunReport(name, JobStatus.DONE, is_full, counts, [])
    began, started = time.monotonic(), clock()
    try:
        with transaction(engine) as session:
            job = HarvestJob(source_id=source_id, status=JobStatus.RUNNING, full=is_full,
                             started_at=started)
            session.add(job)
            session.flush()
            store = Store(session, source_id=source_id, source_name=name,
                          default_agent=config_of_publisher(session, source_id),
                          job_id=job.id or 0, base_url=settings.base_url, counts=counts,
                          issues=issues, preview=report.preview)
            items = match_rules.with_rule_keys(adapter.items(http, state), rules)
            _consume(items, store, settings, started, clock, None)
            if is_full and state.complete:
                _archive(store, issues, clock(), settings)
            raise _Rollback
    except _Rollback:
        report.status = JobStatus.DONE_WITH_ERRORS if counts.errored else JobStatus.DONE
    except (HarvestError, CatalogError) as exc:
        report.status, report.error = JobStatus.FAILED, _failure(exc, counts)
    report.issues = issues.sorted()
    report.seconds = time.monotonic() - began
    return report


def _consume(items: object, store: Store, settings: HarvestSettings, started: datetime,
             clock: Clock, progress: Progress | None) -> None:
    batch: list[Item] = []
    reported = 0
    deadline = started + timedelta(seconds=settings.job_timeout)
    for item in items:  # type: ignore[attr-defined]
        batch.append(item)
        if len(batch) < settings.batch_size:
            continue
        store.apply(batch)
        batch = []
        if clock() > deadline:
            raise JobTimedOut(f"the job ran longer than the timeout ({settings.job_timeout} s)")
        if progress and store.counts.seen - reported >= settings.progress_every:
            reported = store.counts.seen
            progress(store.counts)
    if batch:
        store.apply(batch)


def _archive(store: Store, issues: IssueLog, now: datetime,
             settings: HarvestSettings) -> None:
    """Start or end the grace period of what the complete read did not see, unless the source
    answered with no record at all: an emptied feed is far more often a broken export than a
    catalog withdrawn, so nothing is archived and the steward is told."""
    if store.counts.seen == 0 and store.has_records():
        issues.add(IssueKind.WARNING, "the source listed no records: nothing was archived "
                   "(check the source)", "-")
        return
    store.archive_missing(now, timedelta(days=settings.grace_days))


def config_of_publisher(session: Session, source_id: int) -> str | None:
    source = session.get(HarvestSource, source_id)
    return source.publisher if source else None


def _failure(exc: BaseException, counts: Counts, internal: bool = False) -> str:
    what = f"internal error ({type(exc).__name__}): {exc}" if internal else str(exc)
    return f"{what} — after {counts.seen} records; nothing was changed in the catalog"


def _zero(counts: Counts) -> None:
    """Nothing was written: only the errored count stands."""
    for name in COUNT_NAMES:
        if name != "errored":
            setattr(counts, name, 0)


def _state(source: HarvestSource, is_full: bool) -> RunState:
    """A run's state with the validators (and the adapter's notes) kept by the last run."""
    validators: dict[str, Validators] = {}
    notes: dict[str, dict[str, object]] = {}
    for url, kept in (source.validators or {}).items():
        validators[url] = Validators(kept.get("etag"), kept.get("last_modified"))
        extra = {k: v for k, v in kept.items() if k not in ("etag", "last_modified")}
        if extra:
            notes[url] = extra
    return RunState(since=None if is_full else source.cursor, validators=validators,
                    notes=notes)


def _forget_failed(state: RunState, failed: set[str]) -> None:
    """A record that failed is read again next time even if its document is unchanged (its
    entry stays: an LKOD source lists its documents by these keys)."""
    for remote_id in failed & state.validators.keys():
        state.validators[remote_id] = Validators()


def _remember(engine: Engine, source_id: int, state: RunState, status: JobStatus,
              scheduled: bool) -> None:
    """After a successful run keep the incremental cursor and the HTTP validators."""
    with transaction(engine) as session:
        source = session.get(HarvestSource, source_id)
        if source is None:
            return
        if scheduled:
            source.scheduled_runs += 1
        if status is JobStatus.FAILED:
            return
        if state.cursor:
            source.cursor = state.cursor
        if state.validators:
            source.validators = {url: {"etag": v.etag, "last_modified": v.last_modified,
                                       **state.notes.get(url, {})}
                                 for url, v in state.validators.items()}


def due_sources(engine: Engine, now: datetime) -> list[str]:
    """Names of the sources whose schedule says they should run now."""
    due: list[str] = []
    with Session(engine) as session:
        for source in session.exec(select(HarvestSource).order_by(HarvestSource.name)):
            interval = SCHEDULE_INTERVALS.get(Schedule(source.schedule)) \
                if source.schedule in Schedule._value2member_map_ else None
            if interval is None:
                continue
            last = session.exec(select(HarvestJob.started_at)
                                .where(HarvestJob.source_id == source.id)
                                .order_by(HarvestJob.started_at.desc())  # type: ignore[attr-defined]
                                .limit(1)).first()
            if last is None or now - last >= interval:
                due.append(source.name)
    return due


def run_due(engine: Engine, *, http: HttpClient, settings: HarvestSettings,
            index: SearchIndex | None = None, progress: Progress | None = None,
            clock: Clock = utcnow, derived: Sequence[DerivedStore] = ()) -> list[RunReport]:
    """Run every due source once, one after the other (for cron or a systemd timer)."""
    reports: list[RunReport] = []
    for name in due_sources(engine, clock()):
        try:
            reports.append(run_source(engine, name, http=http, settings=settings, index=index,
                                      scheduled=True, progress=progress, clock=clock,
                                      derived=derived))
        except SourceBusy:
            log.info("harvest source %s is already running; skipped", name)
    return reports
