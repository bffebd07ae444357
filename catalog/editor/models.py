"""Tables of the editor: dataset revisions (history) and uploaded distribution files."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from catalog.models import timestamp_field


class DatasetRevision(SQLModel, table=True):
    """The whole editable record of a dataset after one change, who made it and what changed."""

    __tablename__ = "dataset_revision"
    __table_args__ = (UniqueConstraint("dataset_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    dataset_id: int = Field(foreign_key="dataset.id", index=True)
    number: int
    at: datetime = timestamp_field()
    user_id: int | None = Field(default=None, foreign_key="user_account.id")
    action: str = Field(max_length=40)
    record: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    changes: list[dict[str, Any]] = Field(default_factory=list,
                                          sa_column=Column(JSON, nullable=False))


class StoredFile(SQLModel, table=True):
    """An uploaded file, stored under the upload folder by its SHA-256 (never by its name)."""

    __tablename__ = "stored_file"

    id: int | None = Field(default=None, primary_key=True)
    dataset_id: int = Field(foreign_key="dataset.id", index=True)
    sha256: str = Field(sa_column=Column(String(64), nullable=False, index=True))
    byte_size: int
    media_type: str = Field(max_length=200)
    filename: str = Field(max_length=200)
    uploaded_by: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = timestamp_field()
