"""Tables of the museum register's imports: one upload (LIDO or CSV) and its records with their
validation report, kept until a curator publishes the valid ones or discards the upload."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime
from sqlmodel import Field, SQLModel

from catalog.models import timestamp_field


class ImportStatus(enum.StrEnum):
    RECEIVED = "received"  # stored, not yet read
    PROCESSING = "processing"  # being read; the counts grow batch by batch
    VALIDATED = "validated"  # read; the report is ready for review
    FAILED = "failed"  # the file as a whole could not be read
    PUBLISHED = "published"  # the curator imported its (valid) records
    DISCARDED = "discarded"


class MuseumImport(SQLModel, table=True):
    """One upload of a curator (or one import from the command line)."""

    __tablename__ = "museum_import"

    id: int | None = Field(default=None, primary_key=True)
    institution_id: int = Field(foreign_key="agent.id", index=True)
    kind: str = Field(max_length=10)
    filename: str = Field(max_length=300)
    status: str = Field(default=ImportStatus.RECEIVED, max_length=16)
    total: int = 0
    valid: int = 0
    invalid: int = 0
    imported: int = 0
    file_error: str | None = Field(default=None, max_length=2000)
    created_by: str | None = Field(default=None, max_length=200)
    created_at: datetime = timestamp_field()
    finished_at: datetime | None = Field(default=None, sa_column=Column(DateTime, nullable=True))


class MuseumImportRecord(SQLModel, table=True):
    """One record of an upload: its validated content, or the problems found in it."""

    __tablename__ = "museum_import_record"

    id: int | None = Field(default=None, primary_key=True)
    import_id: int = Field(foreign_key="museum_import.id", index=True)
    number: int
    source_key: str | None = Field(default=None, max_length=500)
    # SQL NULL (not JSON null) for an invalid record, so queries can tell the valid ones
    payload: dict[str, Any] | None = Field(default=None, sa_column=Column(
        JSON(none_as_null=True), nullable=True))
    errors: list[dict[str, Any]] = Field(default_factory=list,
                                         sa_column=Column(JSON, nullable=False))
    warnings: list[dict[str, Any]] = Field(default_factory=list,
                                           sa_column=Column(JSON, nullable=False))
    object_id: int | None = Field(default=None, foreign_key="collection_object.id")
