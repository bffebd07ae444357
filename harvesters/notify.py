"""What notifications need from harvesting: each source's last finished job as an observation
(failed or fine), for ``catalog.notifications.watch.apply``."""

from __future__ import annotations

from collections.abc import Iterator

from sqlmodel import Session, col, select

from catalog.models import Agent
from catalog.notifications.services import Failure
from catalog.notifications.watch import Observation
from harvesters.models import HarvestJob, HarvestSource, JobStatus


def harvest_observations(session: Session) -> Iterator[Observation]:
    """One observation per source that has finished at least one job."""
    sources = session.exec(select(HarvestSource).order_by(col(HarvestSource.name))).all()
    for source in sources:
        job = session.exec(select(HarvestJob).where(
            HarvestJob.source_id == source.id, col(HarvestJob.finished_at).is_not(None))
            .order_by(col(HarvestJob.finished_at).desc(), col(HarvestJob.id).desc())).first()
        if job is None:
            continue
        agent = session.exec(select(Agent).where(Agent.slug == source.publisher)).first() \
            if source.publisher else None
        message = f"harvest source {source.name} ({source.url}): {job.error or job.status}"
        yield Observation(Failure(f"harvest:{source.name}", message,
                                  agent_id=agent.id if agent else None),
                          failed=job.status == JobStatus.FAILED)
