"""Reads of published datasets as ``DatasetRecord``s for the RDF profiles: one by slug, or all
(or a chosen set) streamed in batches with their publishers, contacts, distributions and data
services fetched per batch, so memory stays flat however large the catalog."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, func
from sqlmodel import Session, col, select

from catalog.errors import NotFound
from catalog.models import (
    Agent,
    AgentKind,
    Catalog,
    ContactPoint,
    DataService,
    Dataset,
    DatasetSeries,
    Distribution,
    RecordState,
)
from catalog.queries import agents_by_id
from catalog.rdf.records import (
    AgentRecord,
    CatalogRecord,
    DatasetRecord,
    DistributionRecord,
    agent_record,
    dataset_input,
    distribution_input,
)

BATCH = 500
DEFAULT_DESCRIPTION = {
    "cs": "Katalog otevřených dat: datové sady publikované v portálu a jejich distribuce.",
    "en": "Open data catalog: the datasets published on the portal and their distributions.",
}


def _published() -> ColumnElement[bool]:
    return col(Dataset.state) == RecordState.PUBLISHED


def catalog_record(session: Session, base_url: str) -> CatalogRecord:
    """The portal's own catalog. Without a catalog row or publisher yet, the first publisher
    (the region in the demo) stands in, so the catalog always has its mandatory publisher."""
    catalog = session.exec(select(Catalog).where(Catalog.is_local)).first()
    publisher = session.get(Agent, catalog.publisher_id) if catalog and catalog.publisher_id \
        else session.exec(select(Agent).where(Agent.kind == AgentKind.PUBLISHER)
                          .order_by(col(Agent.id))).first()
    iri = catalog.iri if catalog else f"{base_url.rstrip('/')}/catalog"
    title = catalog.title if catalog and catalog.title else {"cs": "Katalog otevřených dat",
                                                             "en": "Open data catalog"}
    if publisher is not None:
        agent = agent_record(publisher)
    else:
        from catalog.schemas import AgentInput

        agent = AgentRecord(iri + "#publisher", iri + "#publisher",
                            AgentInput(slug="catalog", name=title))
    issued, modified = session.exec(select(func.min(Dataset.created_at),
                                           func.max(Dataset.updated_at)).where(_published())).one()
    return CatalogRecord(
        iri=iri, title=title,
        description=(catalog.description if catalog and catalog.description
                     else DEFAULT_DESCRIPTION),
        publisher=agent, homepage=(catalog.homepage if catalog else None) or base_url,
        issued=issued.date() if isinstance(issued, datetime) else None,
        modified=modified.date() if isinstance(modified, datetime) else None)


def dataset_record(session: Session, slug: str) -> DatasetRecord:
    """The published dataset ``slug`` as a record."""
    dataset = session.exec(select(Dataset).where(Dataset.slug == slug, _published())).first()
    if dataset is None:
        raise NotFound("dataset", slug)
    return next(iter(_records(session, [dataset], {})))


def iter_dataset_records(session: Session, ids: Iterable[int] | None = None, *,
                         batch: int = BATCH) -> Iterator[DatasetRecord]:
    """Every published dataset (or those of ``ids``, in that order), streamed by batches."""
    agents: dict[int, AgentRecord] = {}
    if ids is not None:
        wanted = list(ids)
        for start in range(0, len(wanted), batch):
            chunk = wanted[start:start + batch]
            found = {d.id: d for d in session.exec(select(Dataset).where(
                col(Dataset.id).in_(chunk), _published()))}
            yield from _records(session, [found[i] for i in chunk if i in found], agents)
        return
    last_id = 0
    while True:
        rows = list(session.exec(select(Dataset).where(_published(), col(Dataset.id) > last_id)
                                 .order_by(col(Dataset.id)).limit(batch)))
        if not rows:
            return
        yield from _records(session, rows, agents)
        last_id = rows[-1].id or 0
        session.expunge_all()  # keep the identity map (and memory) flat


def published_ids(session: Session, *, modified_since: datetime | None = None) -> list[int]:
    """Ids of the published datasets, newest change first (ckanext-dcat's catalog order)."""
    query = select(Dataset.id).where(_published())
    if modified_since is not None:
        query = query.where(Dataset.updated_at >= modified_since)
    query = query.order_by(col(Dataset.updated_at).desc(), col(Dataset.id).desc())
    return [i for i in session.exec(query) if i is not None]


def _records(session: Session, rows: Sequence[Dataset],
             agents: dict[int, AgentRecord]) -> Iterator[DatasetRecord]:
    if not rows:
        return
    ids = [d.id for d in rows]
    missing = {d.publisher_id for d in rows} - set(agents)
    if missing:
        for agent_id, agent in agents_by_id(session, missing).items():
            agents[agent_id] = agent_record(agent)
    contact_ids = {d.contact_point_id for d in rows if d.contact_point_id}
    contacts = {c.id: c for c in session.exec(select(ContactPoint).where(
        col(ContactPoint.id).in_(contact_ids)))} if contact_ids else {}
    distributions: dict[int, list[Distribution]] = {}
    for dist in session.exec(select(Distribution).where(col(Distribution.dataset_id).in_(ids))
                             .order_by(col(Distribution.dataset_id),
                                       col(Distribution.position))):
        distributions.setdefault(dist.dataset_id, []).append(dist)
    service_ids = {d.access_service_id for dists in distributions.values() for d in dists
                   if d.access_service_id}
    services = {s.id: s for s in session.exec(select(DataService).where(
        col(DataService.id).in_(service_ids)))} if service_ids else {}
    series_ids = {d.series_id for d in rows if d.series_id}
    series = {s.id: s.iri for s in session.exec(select(DatasetSeries).where(
        col(DatasetSeries.id).in_(series_ids)))} if series_ids else {}
    catalog = session.exec(select(Catalog.iri).where(Catalog.is_local)).first()
    for dataset in rows:
        publisher = agents[dataset.publisher_id]
        items = []
        for dist in distributions.get(dataset.id or 0, []):
            service = services.get(dist.access_service_id) if dist.access_service_id else None
            items.append(DistributionRecord(
                iri=dist.iri, distribution=distribution_input(dist, service),
                service_iri=service.iri if service else None))
        contact = contacts.get(dataset.contact_point_id) if dataset.contact_point_id else None
        yield DatasetRecord(
            iri=dataset.iri,
            dataset=dataset_input(dataset, publisher.agent.slug, contact,
                                  [i.distribution for i in items]),
            publisher=publisher, distributions=tuple(items), catalog_iri=catalog,
            series_iri=series.get(dataset.series_id) if dataset.series_id else None)
