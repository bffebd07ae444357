"""Tables of the harvesters: sources, jobs with their grouped issues, and the link from each
harvested record to the catalog record it feeds (the key of idempotent upserts, merges,
ownership and archiving)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from catalog.models import timestamp_field


class SourceType(enum.StrEnum):
    CKAN = "ckan"
    DCAT = "dcat"
    DCAT_US = "dcat-us"
    LKOD = "lkod"
    OAI_PMH = "oai-pmh"
    LIDO = "lido"


class Schedule(enum.StrEnum):
    MANUAL = "manual"
    HOURLY = "hourly"
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"


class JobStatus(enum.StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    DONE_WITH_ERRORS = "done-with-errors"
    FAILED = "failed"


class RecordKind(enum.StrEnum):
    DATASET = "dataset"
    OBJECT = "object"


class IssueKind(enum.StrEnum):
    ERROR = "error"  # the record was not stored
    WARNING = "warning"  # stored, with a quality flag (e.g. a template placeholder dropped)


class HarvestSource(SQLModel, table=True):
    """A catalog or museum system the portal pulls records from."""

    __tablename__ = "harvest_source"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(String(120), unique=True, nullable=False))
    type: str = Field(max_length=20)
    url: str = Field(max_length=1000)
    publisher: str | None = Field(default=None, max_length=120)  # agent slug
    metadata_prefix: str | None = Field(default=None, max_length=40)
    set_spec: str | None = Field(default=None, max_length=200)
    schedule: str = Field(default=Schedule.DAILY, max_length=20)
    options: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # Where an incremental run starts (CKAN metadata_modified, OAI-PMH datestamp).
    cursor: str | None = Field(default=None, max_length=40)
    # HTTP validators of the documents read last time (URL → {etag, last_modified}).
    validators: dict[str, Any] = Field(default_factory=dict,
                                       sa_column=Column(JSON, nullable=False))
    scheduled_runs: int = 0
    lock_job_id: int | None = None
    locked_at: datetime | None = Field(default=None, sa_column=Column(DateTime, nullable=True))
    created_at: datetime = timestamp_field()


class HarvestJob(SQLModel, table=True):
    """One run of a source with its counts; per-item problems are in ``harvest_issue``."""

    __tablename__ = "harvest_job"
    __table_args__ = (Index("ix_harvest_job_source_started", "source_id", "started_at"),)

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="harvest_source.id")
    status: str = Field(default=JobStatus.PENDING, max_length=20, index=True)
    full: bool = True
    started_at: datetime = timestamp_field()
    finished_at: datetime | None = Field(default=None, sa_column=Column(DateTime, nullable=True))
    pid: int | None = None
    hostname: str | None = Field(default=None, max_length=255)
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    merged: int = 0
    archived: int = 0
    errored: int = 0
    error: str | None = Field(default=None, max_length=2000)


class HarvestIssue(SQLModel, table=True):
    """Per-item errors (or warnings) of a job, grouped by message with a count and examples."""

    __tablename__ = "harvest_issue"

    id: int | None = Field(default=None, primary_key=True)
    job_id: int = Field(foreign_key="harvest_job.id", index=True)
    kind: str = Field(max_length=10)
    message: str = Field(max_length=1000)
    count: int = 0
    examples: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class HarvestRecord(SQLModel, table=True):
    """A record of a source and the catalog record it feeds. ``merged``: the catalog record is
    owned by another source's record (one dataset, one record); ``detached``: an editor took the
    catalog record over and the source no longer writes it."""

    __tablename__ = "harvest_record"
    __table_args__ = (
        UniqueConstraint("source_id", "remote_id"),
        Index("ix_harvest_record_entity", "kind", "entity_id"),
        Index("ix_harvest_record_seen", "source_id", "last_seen_job_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="harvest_source.id")
    remote_id: str = Field(max_length=500)
    kind: str = Field(max_length=10)
    entity_id: int
    content_hash: str = Field(max_length=64)
    merged: bool = False
    detached: bool = False
    archived: bool = False  # archived by the harvester (restored if the record comes back)
    flags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    last_seen_job_id: int | None = None
    missing_since: datetime | None = Field(default=None,
                                           sa_column=Column(DateTime, nullable=True))
    created_at: datetime = timestamp_field()


class HarvestIdentity(SQLModel, table=True):
    """An identity of a harvested record (``iri:…``, ``identifier:…``, ``landing:…``,
    ``arcgis:…``, ``ckan:…``): records of different sources sharing one are one catalog record.
    Also what the catalog publishes as the record's other identifiers (adms:identifier,
    owl:sameAs)."""

    __tablename__ = "harvest_identity"
    __table_args__ = (UniqueConstraint("record_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    record_id: int = Field(foreign_key="harvest_record.id", index=True)
    key: str = Field(sa_column=Column(String(600), nullable=False, index=True))
