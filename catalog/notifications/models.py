"""Tables of notifications: incidents, follows, and when each user last got a digest."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, Index, String
from sqlmodel import Field, SQLModel

from catalog.models import timestamp_field


class Incident(SQLModel, table=True):
    """A failure that lasts until it is resolved; its owner is mailed when it opens, not on
    every run that sees it again."""

    __table_args__ = (Index("ix_incident_key_resolved", "key", "resolved_at"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(sa_column=Column(String(200), nullable=False))
    agent_id: int | None = Field(default=None, foreign_key="agent.id")
    dataset_id: int | None = Field(default=None, foreign_key="dataset.id")
    message: str = Field(max_length=1000)
    opened_at: datetime = timestamp_field()
    last_seen_at: datetime = timestamp_field()
    resolved_at: datetime | None = Field(default=None, sa_column=Column(DateTime))
    notified: int = 0  # how many recipients were mailed


class Follow(SQLModel, table=True):
    """A user following a dataset's changes."""

    user_id: int = Field(foreign_key="user_account.id", primary_key=True)
    dataset_id: int = Field(foreign_key="dataset.id", primary_key=True, index=True)
    created_at: datetime = timestamp_field()


class DigestState(SQLModel, table=True):
    """When a user's last digest covered changes up to."""

    __tablename__ = "digest_state"

    user_id: int = Field(foreign_key="user_account.id", primary_key=True)
    covered_until: datetime = Field(sa_column=Column(DateTime, nullable=False))
