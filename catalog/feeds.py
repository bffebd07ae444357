"""Reads for the Atom feeds: the most recently created or updated published datasets, all of
them, one publisher's or one theme's."""

from __future__ import annotations

from collections.abc import Mapping

from sqlmodel import Session, col, select

from catalog.models import Dataset, RecordState
from catalog.queries import agents_by_id

SCAN_BATCH = 500


def recent_datasets(session: Session, *, publisher_id: int | None = None,
                    theme_iri: str | None = None, limit: int = 50) -> list[Dataset]:
    """Up to ``limit`` published datasets, most recently changed first. The theme filter reads
    the list column in batches (a JSON containment test differs between the databases)."""
    query = select(Dataset).where(Dataset.state == RecordState.PUBLISHED)
    if publisher_id is not None:
        query = query.where(Dataset.publisher_id == publisher_id)
    query = query.order_by(col(Dataset.updated_at).desc(), col(Dataset.id).desc())
    if theme_iri is None:
        return list(session.exec(query.limit(limit)))
    found: list[Dataset] = []
    offset = 0
    while len(found) < limit:
        batch = list(session.exec(query.offset(offset).limit(SCAN_BATCH)))
        found += [d for d in batch if theme_iri in d.themes]
        if len(batch) < SCAN_BATCH:
            break
        offset += SCAN_BATCH
    return found[:limit]


def agent_names(session: Session, ids: set[int]) -> dict[int, Mapping[str, str]]:
    """The multilingual names of the agents ``ids`` (the feed entries' authors)."""
    return {agent_id: agent.name for agent_id, agent in agents_by_id(session, ids).items()}
