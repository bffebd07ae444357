"""Turning the state other jobs leave behind into incidents: the link checker's results
(``catalog.quality``'s ``link_check`` table) and, through ``harvesters.notify``, the last
harvest job of each source. Run after them (``portal notifications notify``): an owner hears
once when something breaks, and again only if it breaks again after being fixed."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from catalog.db import transaction
from catalog.mail import Mail, Mailer
from catalog.models import Dataset, Distribution, RecordState
from catalog.notifications.services import Failure, open_incident, report_failure, report_success
from catalog.quality.models import LinkCheck


@dataclass(frozen=True)
class Observation:
    """The current state of one watched thing: failing (with what to tell) or fine."""

    failure: Failure
    failed: bool


@dataclass
class WatchReport:
    opened: int = 0
    ongoing: int = 0
    resolved: int = 0


def link_observations(session: Session) -> Iterator[Observation]:
    """One observation per published distribution whose link was checked."""
    rows = session.exec(select(Distribution.id, Distribution.dataset_id, LinkCheck).join(
        Dataset, col(Dataset.id) == Distribution.dataset_id).join(
        LinkCheck, col(LinkCheck.url) == Distribution.access_url).where(
        Dataset.state == RecordState.PUBLISHED).order_by(col(Distribution.id)))
    for dist_id, dataset_id, check in rows:
        problem = check.error or (f"HTTP {check.status}" if check.status else "no answer")
        yield Observation(Failure(f"link:{dist_id}", f"{check.url}: {problem}",
                                  dataset_id=dataset_id), failed=not check.ok)


def apply(engine: Engine, observations: Iterable[Observation], mailer: Mailer,
          compose: Callable[[Failure, str], Mail]) -> WatchReport:
    """Open, keep or resolve the incident of each observation (one transaction each)."""
    report = WatchReport()
    for observation in observations:
        key = observation.failure.key
        with transaction(engine) as session:
            if observation.failed:
                known = open_incident(session, key) is not None
                report_failure(session, mailer, observation.failure, compose)
                report.ongoing += known
                report.opened += not known
            elif report_success(session, key):
                report.resolved += 1
    return report
