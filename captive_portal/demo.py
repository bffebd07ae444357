"""The bundled demo Wi-Fi locations (the region's stations and squares)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from sqlmodel import Session

from captive_portal.locations import upsert_location

DEMO_FILE = Path(__file__).with_name("demo_data") / "locations.json"


def load_locations(session: Session) -> Iterator[str]:
    """Upsert every demo location; yields their slugs."""
    data = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    for record in data["locations"]:
        yield upsert_location(session, record).slug
