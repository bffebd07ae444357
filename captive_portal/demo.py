"""The bundled demo Wi-Fi: the region's stations and squares, a simulated gateway at each, a few
notices, the demo GTFS timetable registered in the catalog and the connections dataset."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from sqlmodel import Session, select

from captive_portal.announcements import announce
from captive_portal.gateways import add_gateway
from captive_portal.locations import upsert_location
from captive_portal.models import WifiAnnouncement, WifiGateway
from captive_portal.publishing import ensure_demo_timetable_dataset

DEMO_FILE = Path(__file__).with_name("demo_data") / "locations.json"


def load_locations(session: Session) -> Iterator[str]:
    """Upsert every demo location; yields their slugs."""
    data = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    for record in data["locations"]:
        yield upsert_location(session, record).slug


def load_wifi_demo(session: Session, *, base_url: str, now: datetime) -> int:
    """Simulated gateways, notices and the catalog records of the demo (idempotent); returns
    the number of gateways."""
    data = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    for record in data["locations"]:
        identifier = f"sim-{record['slug']}"
        exists = session.exec(select(WifiGateway).where(
            WifiGateway.controller == "simulated", WifiGateway.identifier == identifier)).first()
        if exists is None:
            add_gateway(session, record["slug"], controller="simulated", identifier=identifier)
    if session.exec(select(WifiAnnouncement)).first() is None:
        for notice in data.get("announcements", []):
            body = {k: v for k, v in notice.items() if k != "location"}
            announce(session, notice.get("location"), body, now=now)
    ensure_demo_timetable_dataset(session, base_url)
    # The connections dataset appears with the first `portal wifi purge` (the daily job).
    return len(data["locations"])
