"""Reads of the harvest bookkeeping: a source's last jobs with their grouped issues, which
catalog records a source owns, and the template placeholders each harvested dataset had."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlmodel import Session, col, select

from harvesters.models import (
    HarvestIssue,
    HarvestJob,
    HarvestRecord,
    HarvestSource,
    IssueKind,
    RecordKind,
)
from harvesters.normalize import placeholder_field
from harvesters.reports import COUNT_NAMES


@dataclass(frozen=True)
class IssueView:
    kind: str
    message: str
    count: int
    examples: list[str]


@dataclass(frozen=True)
class PlaceholderView:
    """How many records of a job had an unfilled template placeholder in ``field``."""

    field: str
    count: int
    examples: list[str]


Issue = TypeVar("Issue", bound=Any)  # IssueView, or the run's IssueGroup: kind, message, count


def placeholder_groups(issues: Iterable[Any]) -> list[PlaceholderView]:
    """The placeholder warnings of a job by field, most records first."""
    found = [PlaceholderView(name, i.count, list(i.examples)) for i in issues
             if i.kind == IssueKind.WARNING and (name := placeholder_field(i.message))]
    return sorted(found, key=lambda p: (-p.count, p.field))


def other_issues(issues: Iterable[Issue]) -> list[Issue]:
    """The issues of a job that are not placeholder warnings."""
    return [i for i in issues
            if i.kind != IssueKind.WARNING or placeholder_field(i.message) is None]


@dataclass(frozen=True)
class JobView:
    id: int
    status: str
    full: bool
    started_at: datetime
    finished_at: datetime | None
    counts: dict[str, int]
    error: str | None
    issues: list[IssueView]

    @property
    def placeholders(self) -> list[PlaceholderView]:
        return placeholder_groups(self.issues)

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "status": self.status, "full": self.full,
                "started_at": self.started_at.isoformat() + "Z",
                "finished_at": self.finished_at.isoformat() + "Z" if self.finished_at else None,
                "counts": self.counts, "error": self.error,
                "issues": [{"kind": i.kind, "message": i.message, "count": i.count,
                            "examples": i.examples} for i in self.issues],
                "placeholders": [{"field": p.field, "count": p.count, "examples": p.examples}
                                 for p in self.placeholders]}


def job_view(session: Session, job: HarvestJob) -> JobView:
    issues = session.exec(select(HarvestIssue).where(HarvestIssue.job_id == job.id)
                          .order_by(col(HarvestIssue.kind), col(HarvestIssue.count).desc(),
                                    col(HarvestIssue.message))).all()
    return JobView(id=job.id or 0, status=job.status, full=job.full, started_at=job.started_at,
                   finished_at=job.finished_at,
                   counts={name: getattr(job, name) for name in COUNT_NAMES}, error=job.error,
                   issues=[IssueView(i.kind, i.message, i.count, list(i.examples))
                           for i in issues])


def last_jobs(session: Session, source: HarvestSource, limit: int = 5) -> list[JobView]:
    """The source's newest jobs first."""
    jobs = session.exec(select(HarvestJob).where(HarvestJob.source_id == source.id)
                        .order_by(col(HarvestJob.started_at).desc(), col(HarvestJob.id).desc())
                        .limit(limit)).all()
    return [job_view(session, job) for job in jobs]


def job(session: Session, job_id: int) -> tuple[HarvestSource, JobView] | None:
    """One job with its source (None if there is no such job)."""
    found = session.get(HarvestJob, job_id)
    source = session.get(HarvestSource, found.source_id) if found else None
    if found is None or source is None:
        return None
    return source, job_view(session, found)


def _owners(kind: RecordKind, ids: list[int]) -> Any:
    """The links through which a source owns catalog records (not merged into another
    source's record, not detached by an editor)."""
    return (select(HarvestRecord, HarvestSource.name)
            .join(HarvestSource, col(HarvestSource.id) == col(HarvestRecord.source_id))
            .where(HarvestRecord.kind == kind, col(HarvestRecord.entity_id).in_(ids),
                   col(HarvestRecord.merged).is_(False), col(HarvestRecord.detached).is_(False))
            .order_by(col(HarvestRecord.id)))


def managing_sources(session: Session, kind: RecordKind, ids: Iterable[int]) -> dict[int, str]:
    """Catalog record id → the name of the source that owns it, for those of ``ids`` owned by
    one (a page of a listing: one query)."""
    wanted = sorted(set(ids))
    found: dict[int, str] = {}
    if wanted:
        for record, name in session.exec(_owners(kind, wanted)):
            found.setdefault(record.entity_id, name)
    return found


def placeholder_fields(session: Session, dataset_ids: Iterable[int]) -> dict[int, list[str]]:
    """Dataset id → the fields whose values were unfilled template placeholders at the source
    that owns it, as its last harvest recorded them (datasets without any are left out)."""
    wanted = sorted(set(dataset_ids))
    found: dict[int, list[str]] = {}
    for start in range(0, len(wanted), 500):
        for record, _name in session.exec(_owners(RecordKind.DATASET,
                                                  wanted[start:start + 500])):
            fields = [name for flag in record.flags or [] if (name := placeholder_field(flag))]
            if fields and record.entity_id not in found:
                found[record.entity_id] = sorted(set(fields))
    return found


def newest_job_id(session: Session, source: HarvestSource, *, finished: bool = False) -> int:
    """The id of the source's newest job (only a finished one: ``finished``); 0 if none."""
    query = select(HarvestJob.id).where(HarvestJob.source_id == source.id)
    if finished:
        query = query.where(col(HarvestJob.finished_at).is_not(None))
    return session.exec(query.order_by(col(HarvestJob.id).desc()).limit(1)).first() or 0
