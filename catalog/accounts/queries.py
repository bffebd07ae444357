"""Reads of accounts: a user's memberships, an organisation's members, the audit log."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from catalog.accounts.models import AuditEvent, Membership, Role, User
from catalog.models import Agent


@dataclass(frozen=True)
class MembershipView:
    agent: Agent
    role: Role


def users_by_id(session: Session, ids: Iterable[int | None]) -> dict[int, User]:
    """The users with ``ids`` (the authors of a page of revisions), by id, in one query."""
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    return {u.id: u for u in session.exec(select(User).where(col(User.id).in_(wanted)))
            if u.id is not None}


def memberships_of(session: Session, user_id: int) -> list[MembershipView]:
    rows = session.exec(select(Membership, Agent).join(
        Agent, col(Agent.id) == Membership.agent_id).where(Membership.user_id == user_id)
        .order_by(col(Agent.slug))).all()
    return [MembershipView(agent, Role(m.role)) for m, agent in rows]


def members_of(session: Session, agent_id: int) -> list[tuple[User, Role]]:
    rows = session.exec(select(User, Membership.role).join(
        Membership, col(Membership.user_id) == User.id).where(Membership.agent_id == agent_id)
        .order_by(col(User.email))).all()
    return [(user, Role(role)) for user, role in rows]


def audit_events(session: Session, *, limit: int = 100,
                 before_id: int | None = None) -> Sequence[AuditEvent]:
    """The newest audit events, newest first (``before_id`` pages on)."""
    query = select(AuditEvent).order_by(col(AuditEvent.id).desc()).limit(limit)
    if before_id is not None:
        query = query.where(col(AuditEvent.id) < before_id)
    return session.exec(query).all()
