"""Reads of the museum register for exports: published objects with their institution, walked
in id order one batch at a time so that dumps of any size keep memory flat."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from catalog.models import Agent, CollectionObject, RecordState
from catalog.queries import agents_by_id

BATCH = 500


def iter_published(engine: Engine, institution_id: int | None = None, *, batch: int = BATCH
                   ) -> Iterator[tuple[CollectionObject, Agent]]:
    """Every published object (of one institution, or all) with its institution, by id.

    Each batch is read in its own short session and detached, so a long download neither
    holds a transaction open nor accumulates objects in an identity map.
    """
    after = 0
    agents: dict[int, Agent] = {}
    while True:
        with Session(engine, expire_on_commit=False) as session:
            query = select(CollectionObject).where(
                CollectionObject.state == RecordState.PUBLISHED, col(CollectionObject.id) > after)
            if institution_id is not None:
                query = query.where(CollectionObject.institution_id == institution_id)
            rows = list(session.exec(query.order_by(col(CollectionObject.id)).limit(batch)))
            missing = {row.institution_id for row in rows} - set(agents)
            if missing:
                agents.update(agents_by_id(session, missing))
            session.expunge_all()
        if not rows:
            return
        for row in rows:
            yield row, agents[row.institution_id]
        after = rows[-1].id or 0
