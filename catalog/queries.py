"""Reads of the catalog for pages and APIs: published records only, with what they reference."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from catalog.errors import NotFound
from catalog.models import (
    Agent,
    AgentKind,
    CollectionObject,
    ContactPoint,
    Dataset,
    DatasetSeries,
    Distribution,
    RecordState,
)


@dataclass(frozen=True)
class DatasetView:
    dataset: Dataset
    publisher: Agent
    distributions: list[Distribution]
    contact: ContactPoint | None
    series: DatasetSeries | None


@dataclass(frozen=True)
class ObjectView:
    object: CollectionObject
    institution: Agent


def dataset_view(session: Session, slug: str) -> DatasetView:
    """A published dataset with its publisher, distributions, contact point and series."""
    dataset = session.exec(select(Dataset).where(
        Dataset.slug == slug, Dataset.state == RecordState.PUBLISHED)).first()
    if dataset is None:
        raise NotFound("dataset", slug)
    publisher = session.get(Agent, dataset.publisher_id)
    assert publisher is not None  # a foreign key guarantees it
    distributions = list(session.exec(select(Distribution).where(
        Distribution.dataset_id == dataset.id).order_by(col(Distribution.position))))
    contact = session.get(ContactPoint, dataset.contact_point_id) \
        if dataset.contact_point_id else None
    series = session.get(DatasetSeries, dataset.series_id) if dataset.series_id else None
    return DatasetView(dataset, publisher, distributions, contact, series)


def object_view(session: Session, object_id: int) -> ObjectView:
    """A published collection object with its holding institution."""
    obj = session.get(CollectionObject, object_id)
    if obj is None or obj.state != RecordState.PUBLISHED:
        raise NotFound("object", object_id)
    institution = session.get(Agent, obj.institution_id)
    assert institution is not None
    return ObjectView(obj, institution)


def agent(session: Session, slug: str, kind: AgentKind) -> Agent:
    found = session.exec(select(Agent).where(Agent.slug == slug, Agent.kind == kind)).first()
    if found is None:
        raise NotFound(kind.value, slug)
    return found


def agents_by_slug(session: Session, slugs: Iterable[str]) -> dict[str, Agent]:
    """The agents named by ``slugs`` (to label facets and results)."""
    wanted = sorted(set(slugs))
    if not wanted:
        return {}
    return {a.slug: a for a in session.exec(select(Agent).where(col(Agent.slug).in_(wanted)))}


def agents_by_id(session: Session, ids: Iterable[int | None]) -> dict[int, Agent]:
    """The agents with ``ids`` (the publishers or institutions of a page of records), by id,
    in one query."""
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    return {a.id: a for a in session.exec(select(Agent).where(col(Agent.id).in_(wanted)))
            if a.id is not None}


def newest_datasets(session: Session, limit: int = 6) -> Sequence[Dataset]:
    """The most recently modified published datasets, undated ones last. Dated and undated
    ones are read apart: each read walks the (state, modified, id) index backwards on SQLite
    and PostgreSQL alike, where one ``NULLS LAST`` order would sort the whole table."""
    published = select(Dataset).where(Dataset.state == RecordState.PUBLISHED)
    dated = list(session.exec(published.where(col(Dataset.modified).is_not(None))
                              .order_by(col(Dataset.modified).desc(), col(Dataset.id).desc())
                              .limit(limit)))
    if len(dated) < limit:
        dated += session.exec(published.where(col(Dataset.modified).is_(None))
                              .order_by(col(Dataset.id).desc()).limit(limit - len(dated)))
    return dated


def published_counts(session: Session) -> dict[str, int]:
    """How many datasets and collection objects are published."""
    datasets = session.exec(select(func.count()).select_from(Dataset).where(
        Dataset.state == RecordState.PUBLISHED)).one()
    objects = session.exec(select(func.count()).select_from(CollectionObject).where(
        CollectionObject.state == RecordState.PUBLISHED)).one()
    return {"datasets": datasets, "objects": objects}
