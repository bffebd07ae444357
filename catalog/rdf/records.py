"""What the RDF profiles serialize: a dataset's input model plus the IRIs it is published under.

A ``DatasetRecord`` is built from the database (``catalog.rdf.queries``) or, for previews and
tests, from an input model with IRIs minted as the services would (``record_from_input``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from pydantic import BaseModel

from catalog import iris
from catalog.models import Agent
from catalog.rdf.namespaces import RPP_OVM
from catalog.schemas import (
    AgentInput,
    ContactInput,
    DataServiceInput,
    DatasetInput,
    DistributionInput,
    TemporalInput,
)


@dataclass(frozen=True)
class AgentRecord:
    """A publisher as published: the RPP IRI when its IČO is known, else our own IRI."""

    iri: str
    local_iri: str
    agent: AgentInput


@dataclass(frozen=True)
class CatalogRecord:
    """The portal's own dcat:Catalog."""

    iri: str
    title: dict[str, str]
    description: dict[str, str]
    publisher: AgentRecord
    homepage: str | None = None
    issued: date | None = None
    modified: date | None = None


@dataclass(frozen=True)
class DistributionRecord:
    iri: str
    distribution: DistributionInput
    service_iri: str | None = None


@dataclass(frozen=True)
class DatasetRecord:
    iri: str
    dataset: DatasetInput
    publisher: AgentRecord
    distributions: tuple[DistributionRecord, ...] = ()
    catalog_iri: str | None = None
    series_iri: str | None = None


def publisher_iri(local_iri: str, ico: str | None) -> str:
    """The IRI a publisher is known by in the national catalog (RPP), when it has an IČO."""
    return RPP_OVM + ico if ico else local_iri


def agent_record(agent: Agent) -> AgentRecord:
    agent_in = AgentInput(slug=agent.slug, name=agent.name, homepage=agent.homepage,
                          email=agent.email, ico=agent.ico, city=agent.city)
    return AgentRecord(publisher_iri(agent.iri, agent.ico), agent.iri, agent_in)


M = TypeVar("M", bound=BaseModel)


def trusted(model: type[M], values: dict[str, Any]) -> M:
    """``model.model_construct(**values)`` for stored rows, validated when written, that give
    every field, in the model's field order: without its per-field alias and default handling
    (the export builds six models per dataset)."""
    obj = model.__new__(model)
    object.__setattr__(obj, "__dict__", values)
    object.__setattr__(obj, "__pydantic_fields_set__", set(values))
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", None)
    return obj


def service_input(service: Any) -> DataServiceInput:
    """A stored data service (an ORM object or a plain row) as its input model."""
    return trusted(DataServiceInput, {
        "title": service.title, "description": service.description,
        "endpoint_url": service.endpoint_url,
        "endpoint_description": service.endpoint_description, "license": service.license})


def distribution_input(row: Any, service: Any | None) -> DistributionInput:
    """A stored distribution (an ORM object or a plain row) as its input model."""
    return trusted(DistributionInput, {
        "title": row.title, "description": row.description, "access_url": row.access_url,
        "download_url": row.download_url, "format": row.format, "media_type": row.media_type,
        "byte_size": row.byte_size, "license": row.license,
        "terms_author_work": row.terms_author_work, "terms_author": row.terms_author,
        "terms_database_work": row.terms_database_work,
        "terms_database_author": row.terms_database_author,
        "terms_special_db_rights": row.terms_special_db_rights,
        "personal_data": row.terms_personal_data, "issued": row.issued,
        "modified": row.modified,
        "access_service": service_input(service) if service else None})


def dataset_input(dataset: Any, publisher_slug: str, contact: Any | None,
                  distributions: list[DistributionInput]) -> DatasetInput:
    """The input model that would write ``dataset`` (an ORM object or a plain row) as it is
    stored (the inverse of the services' writes): what the profiles publish and what parsing
    must give back. Built without re-validation: the row was validated when it was written."""
    bbox = None
    if dataset.bbox_west is not None:
        corners = [dataset.bbox_west, dataset.bbox_south, dataset.bbox_east, dataset.bbox_north]
        bbox = [c for c in corners if c is not None]
    temporal = None
    if dataset.temporal_start or dataset.temporal_end:
        temporal = trusted(TemporalInput, {"start": dataset.temporal_start,
                                           "end": dataset.temporal_end})
    contact_in = None
    if contact is not None:
        contact_in = trusted(ContactInput, {"name": contact.name, "email": contact.email,
                                            "url": contact.url})
    return trusted(DatasetInput, {
        "slug": dataset.slug, "title": dataset.title, "description": dataset.description,
        "keywords": dataset.keywords, "publisher": publisher_slug, "themes": dataset.themes,
        "concepts": dataset.concepts, "identifiers": dataset.identifiers,
        "applicable_legislation": dataset.applicable_legislation,
        "hvd_categories": dataset.hvd_categories, "spatial": dataset.spatial, "bbox": bbox,
        "temporal": temporal, "frequency": dataset.frequency,
        "landing_page": dataset.landing_page, "documentation": dataset.documentation,
        "contact": contact_in, "issued": dataset.issued, "modified": dataset.modified,
        "state": dataset.state, "distributions": distributions})


def record_from_input(dataset_in: DatasetInput, publisher: AgentInput, *,
                      base_url: str) -> DatasetRecord:
    """A record for an unsaved input, with IRIs minted from ``base_url`` (distributions and
    services by position): for previews and tests."""
    local = iris.mint(base_url, "publishers", publisher.slug)
    agent = AgentRecord(publisher_iri(local, publisher.ico), local, publisher)
    dataset_iri = iris.mint(base_url, "datasets", dataset_in.slug)
    distributions = tuple(
        DistributionRecord(
            iri=f"{dataset_iri}/distributions/{position}", distribution=item,
            service_iri=(iris.mint(base_url, "services", f"{dataset_in.slug}-{position}")
                         if item.access_service else None))
        for position, item in enumerate(dataset_in.distributions))
    return DatasetRecord(iri=dataset_iri, dataset=dataset_in, publisher=agent,
                         distributions=distributions,
                         catalog_iri=iris.mint(base_url, "catalog"))
