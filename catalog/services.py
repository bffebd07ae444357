"""Use cases of the DCAT catalog: publishers, datasets with their distributions, archiving, and
upserts by a source identifier for harvesters. Every change enqueues a search-outbox row in the
same transaction; the caller commits (see ``catalog.db.transaction``).
"""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, col, select

from catalog import iris, queries
from catalog.errors import NotFound, ValidationError
from catalog.models import (
    Agent,
    AgentKind,
    Catalog,
    ContactPoint,
    DataService,
    DataServiceDataset,
    Dataset,
    Distribution,
    RecordState,
    SearchOutbox,
    utcnow,
)
from catalog.schemas import (
    AgentInput,
    DataServiceInput,
    DatasetInput,
    DistributionInput,
    parse_input,
)


class Upsert(enum.StrEnum):
    """What an upsert did."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


def enqueue_index(session: Session, kind: str, entity_id: int) -> None:
    """Record that ``kind``/``entity_id`` changed, in the caller's transaction."""
    session.add(SearchOutbox(kind=kind, entity_id=entity_id))


def ensure_local_catalog(session: Session, base_url: str, title: Mapping[str, str]) -> Catalog:
    """The portal's own dcat:Catalog, created on first use with an IRI minted once."""
    catalog = session.exec(select(Catalog).where(Catalog.is_local)).first()
    if catalog is None:
        catalog = Catalog(iri=iris.mint(base_url, "catalog"), title=dict(title), is_local=True)
        session.add(catalog)
        session.flush()
    return catalog


def upsert_agent(session: Session, data: AgentInput | Mapping[str, Any], *, kind: AgentKind,
                 base_url: str) -> Agent:
    """Create the publisher or institution ``data.slug`` or update its descriptive fields."""
    agent_in = parse_input(AgentInput, data)
    agent = session.exec(select(Agent).where(Agent.slug == agent_in.slug)).first()
    values = agent_in.model_dump(exclude={"slug"})
    if agent is None:
        segment = "publishers" if kind is AgentKind.PUBLISHER else "institutions"
        agent = Agent(slug=agent_in.slug, kind=kind, iri=iris.mint(base_url, segment,
                                                                    agent_in.slug), **values)
        session.add(agent)
    else:
        if agent.kind != kind:
            raise ValidationError("slug", f"{agent_in.slug!r} is already a {agent.kind}")
        if any(getattr(agent, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(agent, name, value)
            agent.updated_at = utcnow()
            # Its records' search documents carry its name: re-index them all.
            enqueue_index(session, "agent", agent.id or 0)
    session.flush()
    return agent


def referenced_agent(session: Session, slug: str, kind: AgentKind, field: str) -> Agent:
    """The agent a record refers to by ``field``: an unknown slug, or an agent of the other
    kind (a museum named as a dataset's publisher), is refused on that field."""
    try:
        return queries.agent(session, slug, kind)
    except NotFound:
        raise ValidationError(field, f"unknown {kind.value} {slug!r}") from None


def _dataset_values(dataset_in: DatasetInput) -> dict[str, Any]:
    west, south, east, north = dataset_in.bbox or (None, None, None, None)
    temporal = dataset_in.temporal
    return {
        "title": dataset_in.title,
        "description": dataset_in.description,
        "keywords": {lang: [k.strip() for k in words if k.strip()]
                     for lang, words in dataset_in.keywords.items()},
        "themes": list(dataset_in.themes),
        "concepts": list(dataset_in.concepts),
        "identifiers": list(dataset_in.identifiers),
        "applicable_legislation": list(dataset_in.applicable_legislation),
        "hvd_categories": list(dataset_in.hvd_categories),
        "spatial": list(dataset_in.spatial),
        "bbox_west": west, "bbox_south": south, "bbox_east": east, "bbox_north": north,
        "temporal_start": temporal.start if temporal else None,
        "temporal_end": temporal.end if temporal else None,
        "frequency": dataset_in.frequency,
        "landing_page": dataset_in.landing_page,
        "documentation": dataset_in.documentation,
        "issued": dataset_in.issued,
        "modified": dataset_in.modified,
        "state": dataset_in.state,
    }


def _distribution_values(dist_in: DistributionInput, position: int) -> dict[str, Any]:
    values = dist_in.model_dump(exclude={"personal_data", "access_service"})
    values["terms_personal_data"] = dist_in.personal_data
    values["position"] = position
    return values


def _apply_service(session: Session, dataset: Dataset, service_in: DataServiceInput,
                   base_url: str) -> DataService:
    """The data service at ``service_in.endpoint_url`` (created or updated), serving ``dataset``."""
    service = session.exec(select(DataService).where(
        DataService.endpoint_url == service_in.endpoint_url)).first()
    values = service_in.model_dump()
    if service is None:
        service = DataService(slug=iris.placeholder(), iri=iris.placeholder(),
                              publisher_id=dataset.publisher_id, **values)
        session.add(service)
        session.flush()
        service.slug = f"service-{service.id}"
        service.iri = iris.mint(base_url, "services", service.id or 0)
    elif any(getattr(service, name) != value for name, value in values.items()):
        for name, value in values.items():
            setattr(service, name, value)
        service.updated_at = utcnow()
    link = session.get(DataServiceDataset, (service.id, dataset.id))
    if link is None:
        session.add(DataServiceDataset(service_id=service.id or 0, dataset_id=dataset.id or 0))
    session.flush()
    return service


def _apply_distributions(session: Session, dataset: Dataset, items: list[DistributionInput],
                         base_url: str) -> None:
    """Replace the dataset's distributions, keeping the IRI of one whose URL is unchanged."""
    existing = list(session.exec(select(Distribution).where(
        Distribution.dataset_id == dataset.id).order_by(col(Distribution.position))))
    by_url = {(d.download_url or d.access_url): d for d in existing}
    kept: set[int] = set()
    served_by: set[int] = set()
    for position, dist_in in enumerate(items):
        values = _distribution_values(dist_in, position)
        values["access_service_id"] = None
        if dist_in.access_service is not None:
            service = _apply_service(session, dataset, dist_in.access_service, base_url)
            values["access_service_id"] = service.id
            served_by.add(service.id or 0)
        current = by_url.get(dist_in.download_url or dist_in.access_url)
        if current is not None and current.id not in kept:
            for name, value in values.items():
                setattr(current, name, value)
            kept.add(current.id or 0)
        else:
            distribution = Distribution(dataset_id=dataset.id or 0, iri=iris.placeholder(),
                                        **values)
            session.add(distribution)
            session.flush()
            distribution.iri = iris.mint(base_url, "distributions", distribution.id or 0)
    for distribution in existing:
        if distribution.id not in kept:
            session.delete(distribution)
    for link in session.exec(select(DataServiceDataset).where(
            DataServiceDataset.dataset_id == dataset.id)):
        if link.service_id not in served_by:
            session.delete(link)
    session.flush()


def _apply_contact(session: Session, dataset: Dataset, dataset_in: DatasetInput) -> None:
    contact_in = dataset_in.contact
    if contact_in is None:
        dataset.contact_point_id = None
        return
    contact = session.get(ContactPoint, dataset.contact_point_id) if dataset.contact_point_id \
        else None
    if contact is None:
        contact = ContactPoint()
        session.add(contact)
    contact.name, contact.email, contact.url = contact_in.name, contact_in.email, contact_in.url
    session.flush()
    dataset.contact_point_id = contact.id


def create_dataset(session: Session, data: DatasetInput | Mapping[str, Any], *,
                   base_url: str, source_id: str | None = None) -> Dataset:
    """Create a dataset with its distributions; its IRI is minted here, once."""
    dataset_in = parse_input(DatasetInput, data)
    if session.exec(select(Dataset.id).where(Dataset.slug == dataset_in.slug)).first():
        raise ValidationError("slug", f"a dataset {dataset_in.slug!r} already exists")
    publisher = referenced_agent(session, dataset_in.publisher, AgentKind.PUBLISHER,
                                 "publisher")
    catalog = session.exec(select(Catalog).where(Catalog.is_local)).first()
    dataset = Dataset(slug=dataset_in.slug, iri=iris.mint(base_url, "datasets", dataset_in.slug),
                      publisher_id=publisher.id or 0, source_id=source_id,
                      catalog_id=catalog.id if catalog else None, **_dataset_values(dataset_in))
    session.add(dataset)
    session.flush()
    _apply_contact(session, dataset, dataset_in)
    _apply_distributions(session, dataset, dataset_in.distributions, base_url)
    enqueue_index(session, "dataset", dataset.id or 0)
    return dataset


def update_dataset(session: Session, slug: str, data: DatasetInput | Mapping[str, Any], *,
                   base_url: str) -> Dataset:
    """Replace a dataset's description and distributions; slug and IRI stay as they were."""
    dataset = session.exec(select(Dataset).where(Dataset.slug == slug)).first()
    if dataset is None:
        raise NotFound("dataset", slug)
    dataset_in = parse_input(DatasetInput, data)
    if dataset_in.slug != slug:
        raise ValidationError("slug", "the slug of an existing dataset cannot change")
    _write_dataset(session, dataset, dataset_in, base_url)
    return dataset


def _write_dataset(session: Session, dataset: Dataset, dataset_in: DatasetInput,
                   base_url: str) -> None:
    publisher = referenced_agent(session, dataset_in.publisher, AgentKind.PUBLISHER,
                                 "publisher")
    for name, value in _dataset_values(dataset_in).items():
        setattr(dataset, name, value)
    dataset.publisher_id = publisher.id or 0
    dataset.updated_at = utcnow()
    _apply_contact(session, dataset, dataset_in)
    _apply_distributions(session, dataset, dataset_in.distributions, base_url)
    enqueue_index(session, "dataset", dataset.id or 0)


def upsert_dataset(session: Session, source_id: str, data: DatasetInput | Mapping[str, Any], *,
                   base_url: str) -> tuple[Dataset, Upsert]:
    """Create or update the dataset harvested as ``source_id``. A record whose content is the
    same as last time is not touched: no new timestamp, no outbox row."""
    dataset_in = parse_input(DatasetInput, data)
    fingerprint = content_hash(dataset_in)
    dataset = session.exec(select(Dataset).where(Dataset.source_id == source_id)).first()
    if dataset is None:
        dataset = create_dataset(session, dataset_in, base_url=base_url, source_id=source_id)
        dataset.source_hash = fingerprint
        return dataset, Upsert.CREATED
    if dataset.source_hash == fingerprint:
        return dataset, Upsert.UNCHANGED
    if dataset_in.slug != dataset.slug:
        dataset_in = dataset_in.model_copy(update={"slug": dataset.slug})
    _write_dataset(session, dataset, dataset_in, base_url)
    dataset.source_hash = fingerprint
    return dataset, Upsert.UPDATED


def content_hash(record: BaseModel) -> str:
    """A stable fingerprint of a validated input record."""
    canonical = json.dumps(record.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def set_dataset_state(session: Session, slug: str, state: RecordState) -> Dataset:
    """Publish, return to draft or archive (soft delete) a dataset."""
    dataset = session.exec(select(Dataset).where(Dataset.slug == slug)).first()
    if dataset is None:
        raise NotFound("dataset", slug)
    dataset.state = state
    dataset.updated_at = utcnow()
    enqueue_index(session, "dataset", dataset.id or 0)
    session.flush()
    return dataset
