"""Tables of the Wi-Fi location registry (gateways and controllers come with the Wi-Fi issue)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, String
from sqlmodel import Field, SQLModel

from catalog.models import timestamp_field


class WifiLocation(SQLModel, table=True):
    """A place of the regional public Wi-Fi whose splash page the portal serves."""

    __tablename__ = "wifi_location"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(sa_column=Column(String(120), unique=True, nullable=False))
    name: dict[str, str] = Field(sa_column=Column(JSON, nullable=False))
    kind: str = Field(max_length=40)
    lat: float
    lon: float
    municipality: str | None = Field(default=None, max_length=300)
    stop_ids: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    welcome: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()
