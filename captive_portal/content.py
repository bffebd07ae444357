"""What a location's splash page shows: departures, notices, what is near, the museums and
objects of the town, datasets about the town, and the map. Read-only; cached by the caller."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import String, cast
from sqlmodel import Session, col, select

from captive_portal.announcements import current
from captive_portal.models import WifiAnnouncement, WifiLocation
from captive_portal.svgmap import MapPoint, distance_m, draw_map
from captive_portal.timetable import Departure, Timetable
from catalog import vocabularies as voc
from catalog.models import Agent, AgentKind, CollectionObject, Dataset, RecordState


@dataclass(frozen=True)
class Nearby:
    name: dict[str, str]
    distance_m: int
    lat: float
    lon: float
    slug: str | None = None  # another Wi-Fi location


@dataclass(frozen=True)
class LocationContent:
    location: WifiLocation
    town: str
    departures: list[Departure]
    news: Sequence[WifiAnnouncement]
    nearby: list[Nearby]
    institutions: Sequence[Agent]
    objects: Sequence[CollectionObject]
    datasets: Sequence[Dataset]
    map_svg: str
    settings: dict[str, Any] = field(default_factory=dict)


def _nearby(session: Session, location: WifiLocation, radius_km: float) -> list[Nearby]:
    found = [Nearby(dict(p["name"]), round(distance_m(location.lat, location.lon, p["lat"],
                                                       p["lon"])), p["lat"], p["lon"])
             for p in (location.settings or {}).get("pois", [])]
    for other in session.exec(select(WifiLocation).where(WifiLocation.id != location.id)):
        metres = distance_m(location.lat, location.lon, other.lat, other.lon)
        if metres <= radius_km * 1000:
            found.append(Nearby(dict(other.name), round(metres), other.lat, other.lon,
                                other.slug))
    found.sort(key=lambda n: n.distance_m)
    return found[:8]


def location_content(session: Session, location: WifiLocation, *, now: datetime,
                     timetable: Timetable | None, map_title: str) -> LocationContent:
    settings = dict(location.settings or {})
    town = voc.ruian_label(location.municipality) if location.municipality else ""
    departures = timetable.next_departures(location.stop_ids, now,
                                           limit=int(settings.get("departures", 6))) \
        if timetable is not None and location.stop_ids else []
    naive_now = now.astimezone(UTC).replace(tzinfo=None)
    news = current(session, location, now=naive_now)
    nearby = _nearby(session, location, float(settings.get("radius_km", 3.0)))
    institutions = session.exec(select(Agent).where(
        Agent.kind == AgentKind.INSTITUTION, Agent.city == town).order_by(col(Agent.slug))
        .limit(3)).all() if town else []
    objects: Sequence[CollectionObject] = []
    if institutions:
        objects = session.exec(select(CollectionObject).where(
            col(CollectionObject.institution_id).in_([i.id for i in institutions]),
            CollectionObject.state == RecordState.PUBLISHED)
            .order_by(col(CollectionObject.id)).limit(3)).all()
    datasets: Sequence[Dataset] = []
    if location.municipality:
        datasets = session.exec(select(Dataset).where(
            Dataset.state == RecordState.PUBLISHED,
            cast(Dataset.spatial, String).contains(location.municipality))
            .order_by(col(Dataset.modified).desc().nulls_last(), col(Dataset.id)).limit(4)).all()
    points = [MapPoint(n.lat, n.lon, str(i)) for i, n in enumerate(nearby, start=1)]
    svg = draw_map(location.lat, location.lon, points, title=map_title)
    return LocationContent(location, town, departures, news, nearby, institutions, objects,
                           datasets, svg, settings)
