"""Reads of published datasets as ``DatasetRecord``s for the RDF profiles: one by slug, or all
(or a chosen set) streamed in batches with their publishers, contacts, distributions and data
services fetched per batch, so memory stays flat however large the catalog."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ColumnElement, func, type_coerce
from sqlalchemy import select as sa_select
from sqlalchemy.types import UserDefinedType
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
    """Every published dataset (or those of ``ids``, in that order), streamed by batches of
    plain rows (no ORM objects: the export's hot path)."""
    agents: dict[int, AgentRecord] = {}
    published = _DATASET.c.state == RecordState.PUBLISHED
    if ids is not None:
        wanted = list(ids)
        for start in range(0, len(wanted), batch):
            chunk = wanted[start:start + batch]
            found = {d.id: d for d in _dataset_rows(
                session, published & _DATASET.c.id.in_(chunk))}
            yield from _records(session, [found[i] for i in chunk if i in found], agents)
        return
    last_id = 0
    while True:
        rows = _dataset_rows(session, published & (_DATASET.c.id > last_id), limit=batch)
        if not rows:
            return
        yield from _records(session, rows, agents)
        last_id = rows[-1].id


def published_ids(session: Session, *, modified_since: datetime | None = None) -> list[int]:
    """Ids of the published datasets, newest change first (ckanext-dcat's catalog order)."""
    query = select(Dataset.id).where(_published())
    if modified_since is not None:
        query = query.where(Dataset.updated_at >= modified_since)
    query = query.order_by(col(Dataset.updated_at).desc(), col(Dataset.id).desc())
    return [i for i in session.exec(query) if i is not None]


_SCAN = json.JSONDecoder().scan_once  # type: ignore[attr-defined]  # the C scanner


def _json_value(value: Any) -> Any:
    # Stored by SQLAlchemy's json.dumps: no surrounding whitespace, nothing after the value.
    return _SCAN(value, 0)[0] if type(value) is str else value


class _Json(UserDefinedType[Any]):
    """A JSON column as the export reads it: decoded by one call per value. PostgreSQL's
    driver hands over decoded values already."""

    cache_ok = True

    def get_col_spec(self, **_kw: Any) -> str:
        return "JSON"

    def result_processor(self, dialect: Any, coltype: Any) -> Any:
        return _json_value


def _columns(table: Any, *names: str) -> list[Any]:
    """Plain column selects (no ORM objects), JSON columns read as ``_Json``."""
    return [type_coerce(table.c[n], _Json()).label(n) if isinstance(table.c[n].type, JSON)
            else table.c[n] for n in names]


_DATASET = Dataset.__table__  # type: ignore[attr-defined]
_DISTRIBUTION = Distribution.__table__  # type: ignore[attr-defined]
_SERVICE = DataService.__table__  # type: ignore[attr-defined]
_CONTACT = ContactPoint.__table__  # type: ignore[attr-defined]
_SERIES = DatasetSeries.__table__  # type: ignore[attr-defined]
DATASET_COLUMNS = _columns(
    _DATASET, "id", "iri", "slug", "state", "publisher_id", "contact_point_id", "series_id",
    "title", "description", "keywords", "themes", "concepts", "identifiers",
    "applicable_legislation", "hvd_categories", "spatial", "bbox_west", "bbox_south",
    "bbox_east", "bbox_north", "temporal_start", "temporal_end", "frequency", "landing_page",
    "documentation", "issued", "modified")
DISTRIBUTION_COLUMNS = _columns(
    _DISTRIBUTION, "dataset_id", "iri", "title", "description", "access_url", "download_url",
    "format", "media_type", "byte_size", "license", "terms_author_work", "terms_author",
    "terms_database_work", "terms_database_author", "terms_special_db_rights",
    "terms_personal_data", "access_service_id", "issued", "modified")
SERVICE_COLUMNS = _columns(_SERVICE, "id", "iri", "title", "description", "endpoint_url",
                           "endpoint_description", "license")


def _dataset_rows(session: Session, condition: Any, *, limit: int | None = None) -> list[Any]:
    query = sa_select(*DATASET_COLUMNS).where(condition).order_by(_DATASET.c.id)
    if limit is not None:
        query = query.limit(limit)
    return list(session.connection().execute(query).all())


def _records(session: Session, rows: Sequence[Any],
             agents: dict[int, AgentRecord]) -> Iterator[DatasetRecord]:
    """The records of dataset ``rows`` (plain rows or ORM objects: the same attributes), with
    their related rows fetched by one IN query per table."""
    if not rows:
        return
    connection = session.connection()
    ids = [d.id for d in rows]
    missing = {d.publisher_id for d in rows} - set(agents)
    if missing:
        for agent_id, agent in agents_by_id(session, missing).items():
            agents[agent_id] = agent_record(agent)
    contact_ids = {d.contact_point_id for d in rows if d.contact_point_id}
    contacts = {c.id: c for c in connection.execute(sa_select(
        _CONTACT.c.id, _CONTACT.c.name, _CONTACT.c.email, _CONTACT.c.url).where(
        _CONTACT.c.id.in_(contact_ids))).all()} if contact_ids else {}
    distributions: dict[int, list[Any]] = {}
    for dist in connection.execute(sa_select(*DISTRIBUTION_COLUMNS).where(
            _DISTRIBUTION.c.dataset_id.in_(ids)).order_by(
            _DISTRIBUTION.c.dataset_id, _DISTRIBUTION.c.position)).all():
        distributions.setdefault(dist.dataset_id, []).append(dist)
    service_ids = {d.access_service_id for dists in distributions.values() for d in dists
                   if d.access_service_id}
    services = {s.id: s for s in connection.execute(sa_select(*SERVICE_COLUMNS).where(
        _SERVICE.c.id.in_(service_ids))).all()} if service_ids else {}
    series_ids = {d.series_id for d in rows if d.series_id}
    series: dict[int, str] = dict(connection.execute(sa_select(_SERIES.c.id, _SERIES.c.iri).where(
        _SERIES.c.id.in_(series_ids))).tuples().all()) if series_ids else {}
    catalog = session.exec(select(Catalog.iri).where(Catalog.is_local)).first()
    for dataset in rows:
        publisher = agents[dataset.publisher_id]
        items = []
        for dist in distributions.get(dataset.id, ()):
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
