"""Tables of the Wi-Fi: locations, gateways mapped to them, announcements, and the privacy-minded
grant log with its hourly aggregates (no MAC or IP address is ever stored)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Index, String, Text, UniqueConstraint
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
    # Content settings: points of interest, session length, WiFi4EU network id, ...
    settings: dict[str, Any] = Field(default_factory=dict,
                                     sa_column=Column(JSON, nullable=False, server_default="{}"))
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()


class WifiGateway(SQLModel, table=True):
    """A gateway, access point or controller site that sends its clients to a location's splash
    page. ``secret_name`` names the configuration variable holding its key, never the key."""

    __tablename__ = "wifi_gateway"
    __table_args__ = (UniqueConstraint("controller", "identifier"),)

    id: int | None = Field(default=None, primary_key=True)
    location_id: int = Field(foreign_key="wifi_location.id", index=True)
    controller: str = Field(max_length=20)
    identifier: str = Field(max_length=200)
    secret_name: str | None = Field(default=None, max_length=60)
    options: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = timestamp_field()


class WifiAnnouncement(SQLModel, table=True):
    """A notice for one location (or, without one, for every location)."""

    __tablename__ = "wifi_announcement"

    id: int | None = Field(default=None, primary_key=True)
    location_id: int | None = Field(default=None, foreign_key="wifi_location.id", index=True)
    title: dict[str, str] = Field(sa_column=Column(JSON, nullable=False))
    body: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    published_at: datetime = timestamp_field()
    expires_at: datetime | None = Field(default=None, sa_column=Column(DateTime, nullable=True))


class WifiGrant(SQLModel, table=True):
    """The consent record of one grant: where, when, which terms, and a keyed pseudonym that
    changes every day (so visits cannot be linked across days). Purged after the retention."""

    __tablename__ = "wifi_grant"
    __table_args__ = (Index("ix_wifi_grant_granted_at", "granted_at"),)

    id: int | None = Field(default=None, primary_key=True)
    location_id: int = Field(foreign_key="wifi_location.id", index=True)
    controller: str = Field(max_length=20)
    terms_version: str = Field(max_length=40)
    pseudonym: str = Field(max_length=64)
    granted_at: datetime = timestamp_field()


class WifiHourly(SQLModel, table=True):
    """Connections per location per hour: the open dataset the Wi-Fi feeds back to the catalog."""

    __tablename__ = "wifi_hourly"

    location_id: int = Field(foreign_key="wifi_location.id", primary_key=True)
    hour: datetime = Field(sa_column=Column(DateTime, primary_key=True))
    connections: int = 0


class WifiOnce(SQLModel, table=True):
    """A keyed hash of something that may be used once (an arrival token, an openNDS hid, a
    CoovaChilli challenge) until it expires: replays are refused."""

    __tablename__ = "wifi_once"

    digest: str = Field(sa_column=Column(String(64), primary_key=True))
    expires_at: datetime = Field(sa_column=Column(DateTime, nullable=False, index=True))


class WifiPendingAuth(SQLModel, table=True):
    """An openNDS level 3/4 grant waiting for the gateway's authmon to collect it."""

    __tablename__ = "wifi_pending_auth"
    __table_args__ = (UniqueConstraint("gatewayhash", "rhid"),)

    id: int | None = Field(default=None, primary_key=True)
    gatewayhash: str = Field(sa_column=Column(String(64), nullable=False, index=True))
    rhid: str = Field(max_length=64)
    entry: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = timestamp_field()
