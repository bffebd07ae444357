"""Per-location announcements (the region's notices for a place; without a location, for every
place), shown on the splash page and published as an Atom feed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import ColumnElement
from sqlmodel import Session, col, or_, select

from captive_portal.locations import get_location
from captive_portal.models import WifiAnnouncement, WifiLocation
from catalog.errors import NotFound
from catalog.schemas import LangText, RequiredLangText, parse_input


class AnnouncementInput(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    title: RequiredLangText
    body: LangText = {}
    expires_at: datetime | None = None


def announce(session: Session, location_slug: str | None,
             data: AnnouncementInput | Mapping[str, Any], *, now: datetime) -> WifiAnnouncement:
    """Publish a notice for ``location_slug`` (None: every location)."""
    item = parse_input(AnnouncementInput, data)
    location_id = get_location(session, location_slug).id if location_slug else None
    announcement = WifiAnnouncement(location_id=location_id, title=item.title, body=item.body,
                                    published_at=now, expires_at=item.expires_at)
    session.add(announcement)
    session.flush()
    return announcement


def withdraw(session: Session, announcement_id: int) -> None:
    found = session.get(WifiAnnouncement, announcement_id)
    if found is None:
        raise NotFound("announcement", announcement_id)
    session.delete(found)
    session.flush()


def current(session: Session, location: WifiLocation | None, *, now: datetime,
            limit: int = 5) -> Sequence[WifiAnnouncement]:
    """Notices in force at ``location`` (and region-wide ones), newest first."""
    where: ColumnElement[bool] = col(WifiAnnouncement.location_id).is_(None)
    if location is not None:
        where = or_(where, WifiAnnouncement.location_id == location.id)
    return session.exec(select(WifiAnnouncement).where(
        where, WifiAnnouncement.published_at <= now,
        or_(col(WifiAnnouncement.expires_at).is_(None), col(WifiAnnouncement.expires_at) > now))
        .order_by(col(WifiAnnouncement.published_at).desc(), col(WifiAnnouncement.id).desc())
        .limit(limit)).all()


def list_all(session: Session) -> Sequence[tuple[WifiAnnouncement, str | None]]:
    rows = session.exec(select(WifiAnnouncement, WifiLocation.slug).join(
        WifiLocation, col(WifiLocation.id) == WifiAnnouncement.location_id, isouter=True)
        .order_by(col(WifiAnnouncement.published_at).desc()))
    return [(a, slug) for a, slug in rows]
