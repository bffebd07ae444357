"""Tables of the quality jobs: one score per dataset, one link-check result per URL."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, DateTime, String
from sqlmodel import Field, SQLModel

from catalog.models import timestamp_field


class QualityScore(SQLModel, table=True):
    """The last metadata-quality assessment of a dataset (written by the batch job only)."""

    __tablename__ = "quality_score"

    id: int | None = Field(default=None, primary_key=True)
    dataset_id: int = Field(foreign_key="dataset.id", unique=True)
    points: int = 0
    max_points: int = 0
    # {"findability": {"points": n, "max": m}, ...} and the checks that make them up.
    dimensions: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    checks: list[dict[str, Any]] = Field(default_factory=list,
                                         sa_column=Column(JSON, nullable=False))
    violations: int = 0
    computed_at: datetime = timestamp_field()


class LinkCheck(SQLModel, table=True):
    """The last check of one access or download URL."""

    __tablename__ = "link_check"

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(sa_column=Column(String(1000), unique=True, nullable=False))
    ok: bool = False
    status: int | None = None
    content_type: str | None = Field(default=None, max_length=200)
    byte_size: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    error: str | None = Field(default=None, max_length=500)
    checked_at: datetime = Field(sa_column=Column(DateTime, nullable=False))
