"""Reads for the sitemap: how many published records of a kind, and one page of their keys."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import func
from sqlmodel import Session, col, select

from catalog.models import Agent, AgentKind, CollectionObject, Dataset, RecordState
from catalog.reuses.models import Reuse, ReuseStatus

SITEMAP_SIZE = 10_000  # addresses per sitemap file (the protocol allows 50,000)
KINDS = ("datasets", "publishers", "objects", "institutions", "reuses")


def _query(kind: str):  # type: ignore[no-untyped-def]
    if kind == "datasets":
        return select(Dataset.slug).where(Dataset.state == RecordState.PUBLISHED), Dataset.id
    if kind == "reuses":
        return select(Reuse.id).where(Reuse.status == ReuseStatus.PUBLISHED), Reuse.id
    if kind == "objects":
        return (select(CollectionObject.id).where(
            CollectionObject.state == RecordState.PUBLISHED), CollectionObject.id)
    agent_kind = AgentKind.PUBLISHER if kind == "publishers" else AgentKind.INSTITUTION
    return select(Agent.slug).where(Agent.kind == agent_kind), Agent.id


def count_published(session: Session, kind: str) -> int:
    query, _order = _query(kind)
    return int(session.exec(select(func.count()).select_from(query.subquery())).one())


def published_keys(session: Session, kind: str, page: int) -> Iterator[str | int]:
    """Slugs (object ids) of page ``page`` (from 1) of the published records of ``kind``."""
    query, order = _query(kind)
    query = query.order_by(col(order)).offset((page - 1) * SITEMAP_SIZE).limit(SITEMAP_SIZE)
    yield from session.exec(query)
