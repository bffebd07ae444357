"""How often each dataset page was viewed (a count only: no visitor data), for the home page's
"most viewed" list."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Column, Integer
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Field, Session, SQLModel, col, select

from catalog.models import Dataset, RecordState


class DatasetViewCount(SQLModel, table=True):
    __tablename__ = "dataset_view_count"

    dataset_id: int = Field(foreign_key="dataset.id", primary_key=True)
    views: int = Field(default=0, sa_column=Column(Integer, nullable=False, index=True))


def record_view(session: Session, dataset_id: int) -> None:
    """Add one view in a single statement (concurrent writers never lose a count)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(DatasetViewCount).values(dataset_id=dataset_id, views=1)
    session.execute(statement.on_conflict_do_update(
        index_elements=["dataset_id"], set_={"views": col(DatasetViewCount.views) + 1}))


def most_viewed(session: Session, limit: int = 6) -> Sequence[Dataset]:
    """Published datasets with the most page views, most first. The counts are read down their
    index a few at a time and their datasets by key: a join let SQLite walk every dataset."""
    found: list[Dataset] = []
    offset, batch = 0, limit * 2
    while len(found) < limit:
        ids = list(session.exec(select(DatasetViewCount.dataset_id).order_by(
            col(DatasetViewCount.views).desc(), col(DatasetViewCount.dataset_id))
            .offset(offset).limit(batch)))
        if not ids:
            break
        published = {d.id: d for d in session.exec(select(Dataset).where(
            col(Dataset.id).in_(ids), Dataset.state == RecordState.PUBLISHED))}
        found += [published[i] for i in ids if i in published]
        if len(ids) < batch:  # no more counts
            break
        offset += batch
    return found[:limit]

