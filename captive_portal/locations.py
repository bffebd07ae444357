"""The location registry: add or update Wi-Fi locations and read them back."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func
from sqlmodel import Session, col, select

from captive_portal.models import WifiLocation
from catalog.errors import NotFound
from catalog.models import utcnow
from catalog.schemas import RequiredLangText, RuianIri, Slug, parse_input
from catalog.services import enqueue_index

LOCATION_KINDS = ("railway_station", "bus_terminal", "library", "square", "tourist_info",
                  "museum")


class PointOfInterest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    name: RequiredLangText
    lat: Annotated[float, Field(ge=-90, le=90)]
    lon: Annotated[float, Field(ge=-180, le=180)]


class LocationSettings(BaseModel):
    """What a location's splash page shows besides its name and welcome."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    pois: list[PointOfInterest] = Field(default_factory=list, max_length=12)
    radius_km: Annotated[float, Field(gt=0, le=50)] = 3.0
    departures: Annotated[int, Field(ge=0, le=20)] = 6
    wifi4eu_network: Annotated[str, Field(pattern="^[0-9a-f-]{36}$")] | None = None


class LocationInput(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    slug: Slug
    name: RequiredLangText
    kind: Annotated[str, Field(pattern="^(" + "|".join(LOCATION_KINDS) + ")$")]
    lat: Annotated[float, Field(ge=-90, le=90)]
    lon: Annotated[float, Field(ge=-180, le=180)]
    municipality: RuianIri | None = None
    stop_ids: list[str] = Field(default_factory=list)
    welcome: RequiredLangText | None = None
    settings: LocationSettings = Field(default_factory=LocationSettings)


def upsert_location(session: Session, data: LocationInput | Mapping[str, Any]) -> WifiLocation:
    """Create the location ``data.slug`` or update it in place."""
    location_in = parse_input(LocationInput, data)
    values = location_in.model_dump(exclude={"slug"})
    values["welcome"] = values["welcome"] or {}
    values["settings"] = location_in.settings.model_dump(exclude_none=True)
    location = session.exec(select(WifiLocation).where(
        WifiLocation.slug == location_in.slug)).first()
    if location is None:
        location = WifiLocation(slug=location_in.slug, **values)
        session.add(location)
    elif any(getattr(location, name) != value for name, value in values.items()):
        for name, value in values.items():
            setattr(location, name, value)
        location.updated_at = utcnow()
    else:
        return location
    session.flush()
    enqueue_index(session, "location", location.id or 0)  # see captive_portal.search
    return location


def list_locations(session: Session) -> Sequence[WifiLocation]:
    """Every location, in a stable order."""
    return session.exec(select(WifiLocation).order_by(col(WifiLocation.slug))).all()


def count_locations(session: Session) -> int:
    return session.exec(select(func.count()).select_from(WifiLocation)).one()


def get_location(session: Session, slug: str) -> WifiLocation:
    location = session.exec(select(WifiLocation).where(WifiLocation.slug == slug)).first()
    if location is None:
        raise NotFound("location", slug)
    return location
