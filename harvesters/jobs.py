"""Job bookkeeping, each step in its own short transaction: creating and closing jobs, the
per-source lock, and closing jobs whose process died or which ran past their timeout."""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import Engine, update
from sqlmodel import col, select

from catalog.db import transaction
from harvesters.models import HarvestIssue, HarvestJob, HarvestSource, JobStatus
from harvesters.reports import COUNT_NAMES, Counts, IssueGroup

log = logging.getLogger(__name__)

OPEN = (JobStatus.PENDING, JobStatus.RUNNING)


def process_alive(pid: int) -> bool:
    """Whether a process with ``pid`` exists on this host."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def this_host() -> str:
    return socket.gethostname()[:255]


def create_job(engine: Engine, source_id: int, *, full: bool, now: datetime) -> int:
    with transaction(engine) as session:
        job = HarvestJob(source_id=source_id, status=JobStatus.PENDING, full=full,
                         started_at=now, pid=os.getpid(), hostname=this_host())
        session.add(job)
        session.flush()
        return job.id or 0


def acquire_lock(engine: Engine, source_id: int, job_id: int, now: datetime) -> bool:
    """Take the source's lock for ``job_id``; False when another job holds it. One conditional
    UPDATE, atomic on SQLite and PostgreSQL alike."""
    with transaction(engine) as session:
        result = session.execute(
            update(HarvestSource)
            .where(col(HarvestSource.id) == source_id, col(HarvestSource.lock_job_id).is_(None))
            .values(lock_job_id=job_id, locked_at=now))
        return bool(result.rowcount)  # type: ignore[attr-defined]


def release_lock(engine: Engine, source_id: int, job_id: int) -> None:
    with transaction(engine) as session:
        session.execute(update(HarvestSource)
                        .where(col(HarvestSource.id) == source_id,
                               col(HarvestSource.lock_job_id) == job_id)
                        .values(lock_job_id=None, locked_at=None))


def mark_running(engine: Engine, job_id: int) -> None:
    with transaction(engine) as session:
        job = session.get(HarvestJob, job_id)
        assert job is not None
        job.status = JobStatus.RUNNING


def finish_job(engine: Engine, job_id: int, *, status: JobStatus, counts: Counts,
               issues: Sequence[IssueGroup], error: str | None, now: datetime) -> None:
    with transaction(engine) as session:
        job = session.get(HarvestJob, job_id)
        assert job is not None
        job.status = status
        job.finished_at = now
        job.error = error[:2000] if error else None
        for name in COUNT_NAMES:
            setattr(job, name, getattr(counts, name))
        for group in issues:
            session.add(HarvestIssue(job_id=job_id, kind=group.kind, message=group.message,
                                     count=group.count, examples=list(group.examples)))


def reap_stale(engine: Engine, *, job_timeout: int, now: datetime) -> list[int]:
    """Close as failed every open job whose process died (same host) or that ran past
    ``job_timeout`` seconds, and free the locks they held. Returns the closed job ids."""
    closed: list[int] = []
    host = this_host()
    with transaction(engine) as session:
        jobs = session.exec(select(HarvestJob).where(col(HarvestJob.status).in_(OPEN))).all()
        for job in jobs:
            reason = None
            if now - job.started_at > timedelta(seconds=job_timeout):
                reason = (f"the job ran longer than the timeout ({job_timeout} s) and was "
                          f"closed; nothing it had read was kept")
            elif job.hostname == host and job.pid and not process_alive(job.pid):
                reason = (f"the harvesting process (pid {job.pid}) ended without finishing the "
                          f"job; nothing it had read was kept")
            if reason is None:
                continue
            job.status = JobStatus.FAILED
            job.finished_at = now
            job.error = reason
            closed.append(job.id or 0)
            log.warning("harvest job %s closed: %s", job.id, reason)
        session.flush()
        # Locks held by closed (or otherwise finished) jobs are free again.
        finished = select(HarvestJob.id).where(col(HarvestJob.status).not_in(OPEN))
        session.execute(update(HarvestSource)
                        .where(col(HarvestSource.lock_job_id).in_(finished.scalar_subquery()))
                        .values(lock_job_id=None, locked_at=None))
    return closed
