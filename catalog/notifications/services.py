"""Use cases of notifications. Harvesters and the link checker call ``report_failure`` on every
failed run and ``report_success`` on every good one: the owner hears once per incident."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from catalog.accounts.models import Membership, Role, User
from catalog.editor.models import DatasetRevision
from catalog.mail import Mail, Mailer
from catalog.models import Agent, Dataset, RecordState, utcnow
from catalog.notifications.models import DigestState, Follow, Incident
from catalog.permissions import Action, Principal, require


@dataclass(frozen=True)
class Failure:
    """What failed, for the owner's mail."""

    key: str  # "harvest:<source>" or "link:<distribution id>": one incident per key
    message: str
    agent_id: int | None = None
    dataset_id: int | None = None


def open_incident(session: Session, key: str) -> Incident | None:
    return session.exec(select(Incident).where(Incident.key == key,
                                               col(Incident.resolved_at).is_(None))).first()


def owners(session: Session, agent_id: int | None) -> list[str]:
    """Who hears about an organisation's failures: its admins, else its public address."""
    if agent_id is None:
        return []
    emails = list(session.exec(select(User.email).join(
        Membership, col(Membership.user_id) == User.id).where(
        Membership.agent_id == agent_id, Membership.role.in_([Role.ADMIN, Role.CURATOR]),  # type: ignore[attr-defined]
        User.active).order_by(col(User.email))))
    if not emails:
        agent = session.get(Agent, agent_id)
        if agent is not None and agent.email:
            emails = [agent.email]
    return emails


def report_failure(session: Session, mailer: Mailer, failure: Failure,
                   compose: Callable[[Failure, str], Mail],
                   now: datetime | None = None) -> Incident:
    """Record a failure; a new incident mails its owners (``compose(failure, address)``), an
    open one is only marked as seen again. A mail that cannot be sent fails the call, so the
    caller's transaction (and the incident) rolls back and the next run tries again."""
    now = now or utcnow()
    incident = open_incident(session, failure.key)
    if incident is not None:
        incident.last_seen_at = now
        incident.message = failure.message[:1000]
        session.flush()
        return incident
    agent_id = failure.agent_id
    if agent_id is None and failure.dataset_id is not None:
        dataset = session.get(Dataset, failure.dataset_id)
        agent_id = dataset.publisher_id if dataset else None
    incident = Incident(key=failure.key, agent_id=agent_id, dataset_id=failure.dataset_id,
                        message=failure.message[:1000], opened_at=now, last_seen_at=now)
    session.add(incident)
    recipients = owners(session, agent_id)
    for address in recipients:
        mailer.send(compose(failure, address))
    incident.notified = len(recipients)
    session.flush()
    return incident


def report_success(session: Session, key: str, now: datetime | None = None) -> bool:
    """Close the open incident of ``key``, if any (the next failure opens a new one)."""
    incident = open_incident(session, key)
    if incident is None:
        return False
    incident.resolved_at = now or utcnow()
    session.flush()
    return True


def follow(session: Session, actor: Principal, dataset: Dataset) -> None:
    require(actor, Action.FOLLOW, dataset)
    if session.get(Follow, (actor.id, dataset.id)) is None:
        session.add(Follow(user_id=actor.id, dataset_id=dataset.id or 0))
        session.flush()


def unfollow(session: Session, actor: Principal, dataset: Dataset) -> None:
    found = session.get(Follow, (actor.id, dataset.id))
    if found is not None:
        session.delete(found)
        session.flush()


def is_following(session: Session, user_id: int, dataset_id: int) -> bool:
    return session.get(Follow, (user_id, dataset_id)) is not None


@dataclass(frozen=True)
class DigestItem:
    dataset: Dataset
    changes: int  # revisions since the last digest


def pending_digest(session: Session, user_id: int, now: datetime) -> list[DigestItem]:
    """The followed published datasets changed since the user's last digest (or since they
    followed them)."""
    state = session.get(DigestState, user_id)
    items = []
    follows: Sequence[Follow] = session.exec(select(Follow).where(
        Follow.user_id == user_id)).all()
    for followed in follows:
        since = max(state.covered_until, followed.created_at) if state else followed.created_at
        count = len(session.exec(select(DatasetRevision.id).where(
            DatasetRevision.dataset_id == followed.dataset_id,
            col(DatasetRevision.at) > since, col(DatasetRevision.at) <= now)).all())
        dataset = session.get(Dataset, followed.dataset_id)
        if count and dataset is not None and dataset.state == RecordState.PUBLISHED:
            items.append(DigestItem(dataset, count))
    return items


def followers(session: Session) -> list[int]:
    """Ids of the users who follow any dataset."""
    return sorted(set(session.exec(select(Follow.user_id))))


def send_digest(session: Session, mailer: Mailer, user_id: int,
                compose: Callable[[User, list[DigestItem]], Mail],
                now: datetime | None = None) -> bool:
    """Mail one user a digest of what changed in the datasets they follow (nothing when
    nothing changed) and remember how far it covered; whether a mail went out. Call it in
    one transaction per user, so a failed mail only retries that user."""
    now = now or utcnow()
    user = session.get(User, user_id)
    if user is None or not user.active or not user.verified:
        return False
    items = pending_digest(session, user_id, now)
    if items:
        mailer.send(compose(user, items))
    state = session.get(DigestState, user_id)
    if state is None:
        session.add(DigestState(user_id=user_id, covered_until=now))
    else:
        state.covered_until = now
    session.flush()
    return bool(items)
