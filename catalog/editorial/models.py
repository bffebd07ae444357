"""Tables of editorial content: one item table for the four kinds, and items' linked datasets."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Index, String
from sqlmodel import Field, SQLModel

from catalog.models import timestamp_field


class ItemKind(enum.StrEnum):
    PAGE = "page"
    NEWS = "news"
    EVENT = "event"
    PROJECT = "project"


class ProjectStatus(enum.StrEnum):
    PLANNED = "planned"
    RUNNING = "running"
    DONE = "done"


class EditorialItem(SQLModel, table=True):
    """A page, news item, event or flagship project. Text fields are ``{lang: text}`` maps;
    ``body`` and ``goals`` are Markdown, rendered through a sanitizer."""

    __tablename__ = "editorial_item"
    __table_args__ = (Index("ix_editorial_item_kind_state_published", "kind", "state",
                            "published_at"),
                      Index("uq_editorial_item_kind_slug", "kind", "slug", unique=True))

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)
    slug: str = Field(sa_column=Column(String(120), nullable=False))
    state: str = Field(default="draft", max_length=16)
    agent_id: int | None = Field(default=None, foreign_key="agent.id")
    title: dict[str, str] = Field(sa_column=Column(JSON, nullable=False))
    summary: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    body: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    event_start: datetime | None = Field(default=None, sa_column=Column(DateTime))
    event_end: datetime | None = Field(default=None, sa_column=Column(DateTime))
    event_place: str | None = Field(default=None, max_length=300)
    wifi_location_id: int | None = Field(default=None, foreign_key="wifi_location.id",
                                         index=True)
    project_status: str | None = Field(default=None, max_length=16)
    goals: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    indicators: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    extra: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    published_at: datetime | None = Field(default=None, sa_column=Column(DateTime))
    created_by: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()


class EditorialDataset(SQLModel, table=True):
    """A dataset linked from an item (a flagship project's datasets)."""

    __tablename__ = "editorial_dataset"

    item_id: int = Field(foreign_key="editorial_item.id", primary_key=True)
    dataset_id: int = Field(foreign_key="dataset.id", primary_key=True)
