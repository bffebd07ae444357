"""The API token table: only a SHA-256 of each token is stored, with its scope and lifetime."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, DateTime, String
from sqlmodel import Field, SQLModel

from catalog.models import timestamp_field


class ApiToken(SQLModel, table=True):
    """A user's API token. ``scope`` is ``read`` or ``write``; a write token acts only on the
    publishers listed in ``publisher_ids`` (and only with the role the user holds there)."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    name: str = Field(max_length=100)
    prefix: str = Field(max_length=16)
    token_hash: str = Field(sa_column=Column(String(64), unique=True, nullable=False))
    scope: str = Field(max_length=10)
    publisher_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = timestamp_field()
    expires_at: datetime = Field(sa_column=Column(DateTime, nullable=False))
    last_used_at: datetime | None = Field(default=None, sa_column=Column(DateTime))
    revoked_at: datetime | None = Field(default=None, sa_column=Column(DateTime))
