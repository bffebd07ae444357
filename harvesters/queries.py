"""Reads of the harvest bookkeeping: a source's last jobs with their grouped issues."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from harvesters.models import HarvestIssue, HarvestJob, HarvestSource

COUNT_NAMES = ("added", "updated", "unchanged", "merged", "archived", "errored")


@dataclass(frozen=True)
class IssueView:
    kind: str
    message: str
    count: int
    examples: list[str]


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

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "status": self.status, "full": self.full,
                "started_at": self.started_at.isoformat() + "Z",
                "finished_at": self.finished_at.isoformat() + "Z" if self.finished_at else None,
                "counts": self.counts, "error": self.error,
                "issues": [{"kind": i.kind, "message": i.message, "count": i.count,
                            "examples": i.examples} for i in self.issues]}


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
