"""SQLModel tables of the DCAT-AP 3 catalog and the collection-object register.

Multilingual text is a JSON map ``{"cs": ..., "en": ...}`` (cs required); vocabulary values are
stored as IRIs. Table models are never used as API input: see ``catalog.schemas``.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

LangText = dict[str, str]
LangList = dict[str, list[str]]


class RecordState(enum.StrEnum):
    """Life cycle of every record: only published ones are shown and indexed."""

    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class AgentKind(enum.StrEnum):
    PUBLISHER = "publisher"
    INSTITUTION = "institution"


def utcnow() -> datetime:
    """Naive UTC now: both SQLite and PostgreSQL then store and return the same value."""
    return datetime.now(UTC).replace(tzinfo=None)


def _json(**kwargs: Any) -> Any:
    return Field(sa_column=Column(JSON, nullable=False), **kwargs)


def timestamp_field() -> Any:
    """A naive-UTC timestamp column set on creation (see ``utcnow``)."""
    return Field(default_factory=utcnow, sa_column=Column(DateTime, nullable=False))


class Agent(SQLModel, table=True):
    """A foaf:Agent: a publisher of datasets or a holding institution (museum, gallery)."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(sa_column=Column(String(120), unique=True, nullable=False))
    iri: str = Field(sa_column=Column(String(500), unique=True, nullable=False))
    kind: str = Field(sa_column=Column(String(20), nullable=False, index=True))
    name: LangText = _json(default_factory=dict)
    homepage: str | None = Field(default=None, max_length=500)
    email: str | None = Field(default=None, max_length=200)
    ico: str | None = Field(default=None, max_length=20)
    city: str | None = Field(default=None, max_length=120)
    source_id: str | None = Field(default=None, max_length=500, unique=True)
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()


class Catalog(SQLModel, table=True):
    """A dcat:Catalog; the portal's own catalog is the row with ``is_local``."""

    id: int | None = Field(default=None, primary_key=True)
    iri: str = Field(sa_column=Column(String(500), unique=True, nullable=False))
    title: LangText = _json(default_factory=dict)
    description: LangText = _json(default_factory=dict)
    homepage: str | None = Field(default=None, max_length=500)
    publisher_id: int | None = Field(default=None, foreign_key="agent.id")
    is_local: bool = Field(default=False)
    modified: datetime = timestamp_field()


class ContactPoint(SQLModel, table=True):
    """A vcard:Kind contact point of a dataset."""

    __tablename__ = "contact_point"

    id: int | None = Field(default=None, primary_key=True)
    name: str | None = Field(default=None, max_length=300)
    email: str | None = Field(default=None, max_length=200)
    url: str | None = Field(default=None, max_length=500)


class DatasetSeries(SQLModel, table=True):
    """A dcat:DatasetSeries grouping datasets released over time or space."""

    __tablename__ = "dataset_series"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(sa_column=Column(String(120), unique=True, nullable=False))
    iri: str = Field(sa_column=Column(String(500), unique=True, nullable=False))
    state: str = Field(default=RecordState.PUBLISHED, max_length=16)
    title: LangText = _json(default_factory=dict)
    description: LangText = _json(default_factory=dict)
    publisher_id: int | None = Field(default=None, foreign_key="agent.id")
    frequency: str | None = Field(default=None, max_length=300)
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()


class Dataset(SQLModel, table=True):
    """A dcat:Dataset (DCAT-AP 3.0.1 with the DCAT-AP-CZ obligations)."""

    __table_args__ = (Index("ix_dataset_state_modified", "state", "updated_at"),
                      # the newest published datasets (home page): 0010_i9pages_newest
                      Index("ix_dataset_state_newest", "state", "modified", "id"))

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(sa_column=Column(String(120), unique=True, nullable=False))
    iri: str = Field(sa_column=Column(String(500), unique=True, nullable=False))
    state: str = Field(default=RecordState.DRAFT, max_length=16)
    catalog_id: int | None = Field(default=None, foreign_key="catalog.id")
    title: LangText = _json(default_factory=dict)
    description: LangText = _json(default_factory=dict)
    keywords: LangList = _json(default_factory=dict)
    themes: list[str] = _json(default_factory=list)
    concepts: list[str] = _json(default_factory=list)
    identifiers: list[str] = _json(default_factory=list)
    applicable_legislation: list[str] = _json(default_factory=list)
    hvd_categories: list[str] = _json(default_factory=list)
    publisher_id: int = Field(foreign_key="agent.id", index=True)
    contact_point_id: int | None = Field(default=None, foreign_key="contact_point.id")
    spatial: list[str] = _json(default_factory=list)
    bbox_west: float | None = None
    bbox_south: float | None = None
    bbox_east: float | None = None
    bbox_north: float | None = None
    temporal_start: date | None = None
    temporal_end: date | None = None
    frequency: str | None = Field(default=None, max_length=300)
    landing_page: str | None = Field(default=None, max_length=1000)
    documentation: str | None = Field(default=None, max_length=1000)
    series_id: int | None = Field(default=None, foreign_key="dataset_series.id")
    issued: date | None = None
    modified: date | None = None
    source_id: str | None = Field(default=None, max_length=500, unique=True)
    source_hash: str | None = Field(default=None, max_length=64)
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()


class DataService(SQLModel, table=True):
    """A dcat:DataService (an API or endpoint serving datasets)."""

    __tablename__ = "data_service"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(sa_column=Column(String(120), unique=True, nullable=False))
    iri: str = Field(sa_column=Column(String(500), unique=True, nullable=False))
    state: str = Field(default=RecordState.PUBLISHED, max_length=16)
    title: LangText = _json(default_factory=dict)
    description: LangText = _json(default_factory=dict)
    endpoint_url: str = Field(max_length=1000)
    endpoint_description: str | None = Field(default=None, max_length=1000)
    publisher_id: int | None = Field(default=None, foreign_key="agent.id")
    license: str | None = Field(default=None, max_length=300)
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()


class DataServiceDataset(SQLModel, table=True):
    """dcat:servesDataset between a data service and a dataset."""

    __tablename__ = "data_service_dataset"

    service_id: int = Field(foreign_key="data_service.id", primary_key=True)
    dataset_id: int = Field(foreign_key="dataset.id", primary_key=True)


class Distribution(SQLModel, table=True):
    """A dcat:Distribution with the four Czech terms-of-use slots."""

    id: int | None = Field(default=None, primary_key=True)
    iri: str = Field(sa_column=Column(String(500), unique=True, nullable=False))
    dataset_id: int = Field(foreign_key="dataset.id", index=True)
    position: int = 0
    title: LangText = _json(default_factory=dict)
    description: LangText = _json(default_factory=dict)
    access_url: str = Field(max_length=1000)
    download_url: str | None = Field(default=None, max_length=1000)
    format: str | None = Field(default=None, max_length=300)
    media_type: str | None = Field(default=None, max_length=200)
    byte_size: int | None = None
    license: str | None = Field(default=None, max_length=300)
    terms_author_work: str = Field(max_length=300)
    terms_author: LangText = _json(default_factory=dict)
    terms_database_work: str = Field(max_length=300)
    terms_database_author: LangText = _json(default_factory=dict)
    terms_special_db_rights: str = Field(max_length=300)
    terms_personal_data: str = Field(max_length=300)
    access_service_id: int | None = Field(default=None, foreign_key="data_service.id")
    issued: date | None = None
    modified: date | None = None


class CollectionObject(SQLModel, table=True):
    """A museum collection object, modelled on LIDO's core and the Czech evidence fields."""

    __tablename__ = "collection_object"
    __table_args__ = (UniqueConstraint("institution_id", "inventory_number"),
                      # OAI-PMH lists pages by (datestamp, id): keyset paging (0007_museum).
                      Index("ix_collection_object_updated_id", "updated_at", "id"))

    id: int | None = Field(default=None, primary_key=True)
    iri: str = Field(sa_column=Column(String(500), unique=True, nullable=False))
    state: str = Field(default=RecordState.DRAFT, max_length=16)
    institution_id: int = Field(foreign_key="agent.id", index=True)
    inventory_number: str = Field(max_length=100)
    accession_number: str | None = Field(default=None, max_length=100)
    collection: str | None = Field(default=None, max_length=200)
    title: LangText = _json(default_factory=dict)
    object_type: str = Field(max_length=200)
    classification: list[str] = _json(default_factory=list)
    description: LangText = _json(default_factory=dict)
    materials: list[str] = _json(default_factory=list)
    techniques: list[str] = _json(default_factory=list)
    measurements: list[dict[str, Any]] = _json(default_factory=list)
    maker: str | None = Field(default=None, max_length=300)
    production_date: str | None = Field(default=None, max_length=200)
    earliest_year: int | None = None
    latest_year: int | None = None
    production_place: str | None = Field(default=None, max_length=300)
    subjects: list[str] = _json(default_factory=list)
    images: list[dict[str, Any]] = _json(default_factory=list)
    rights: str | None = Field(default=None, max_length=300)
    esbirky_url: str | None = Field(default=None, max_length=1000)
    europeana_url: str | None = Field(default=None, max_length=1000)
    source_id: str | None = Field(default=None, max_length=500, unique=True)
    source_hash: str | None = Field(default=None, max_length=64)
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()
    # Added by the museum register (revision 0007_museum): the Czech "způsob nabytí".
    acquisition: str | None = Field(default=None, max_length=500)


class SearchOutbox(SQLModel, table=True):
    """A change waiting to reach the search index; written in the transaction of the change."""

    __tablename__ = "search_outbox"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20)
    entity_id: int
    created_at: datetime = timestamp_field()
