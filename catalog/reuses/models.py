"""Tables of reuses: the reuse and the datasets it uses."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Column, DateTime, Index, String, Text
from sqlmodel import Field, SQLModel

from catalog.models import timestamp_field
from catalog.vocabularies import N_


class ReuseType(enum.StrEnum):
    """What was built (udata's reuse types, folded into the five the region's visitors use)."""

    APPLICATION = "application"
    VISUALISATION = "visualisation"
    ARTICLE = "article"
    IDEA = "idea"
    API = "api"


class ReuseStatus(enum.StrEnum):
    """Moderation: a submission waits (pending) until an administrator publishes or rejects it;
    its submitter (or an administrator) may withdraw it for good."""

    PENDING = "pending"
    PUBLISHED = "published"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


TYPE_LABELS = {
    ReuseType.APPLICATION: N_("Application"),
    ReuseType.VISUALISATION: N_("Visualisation"),
    ReuseType.ARTICLE: N_("Article"),
    ReuseType.IDEA: N_("Idea"),
    ReuseType.API: N_("API or other"),
}
STATUS_LABELS = {
    ReuseStatus.PENDING: N_("waiting for approval"),
    ReuseStatus.PUBLISHED: N_("published"),
    ReuseStatus.REJECTED: N_("rejected"),
    ReuseStatus.WITHDRAWN: N_("withdrawn"),
}


class Reuse(SQLModel, table=True):
    """One reuse. ``title`` and ``description`` are plain text in ``language`` (never HTML:
    pages escape them); ``url`` is an http(s) address checked on input."""

    __table_args__ = (
        Index("ix_reuse_status_published", "status", "published_at", "id"),
        Index("ix_reuse_status_type", "status", "type"),  # the list page's counts per type
    )

    id: int | None = Field(default=None, primary_key=True)
    type: str = Field(max_length=16)
    title: str = Field(max_length=200)
    description: str = Field(sa_column=Column(Text, nullable=False))
    url: str = Field(max_length=500)
    author_name: str | None = Field(default=None, max_length=200)
    language: str = Field(default="cs", max_length=5)
    status: str = Field(default=ReuseStatus.PENDING, max_length=16)
    moderation_note: str | None = Field(default=None, max_length=1000)
    submitter_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    moderated_by: int | None = Field(default=None, foreign_key="user_account.id")
    moderated_at: datetime | None = Field(default=None, sa_column=Column(DateTime))
    published_at: datetime | None = Field(default=None, sa_column=Column(DateTime))
    # Identity of a reuse loaded from a file (the demo: "demo:<key>"); None when submitted.
    source_key: str | None = Field(default=None, sa_column=Column(String(200), unique=True))
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()


class ReuseDataset(SQLModel, table=True):
    """A dataset a reuse is built on."""

    __tablename__ = "reuse_dataset"

    reuse_id: int = Field(foreign_key="reuse.id", primary_key=True)
    dataset_id: int = Field(foreign_key="dataset.id", primary_key=True, index=True)
