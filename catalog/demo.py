"""The bundled Liberec demo catalog (written by the portal's team, labelled as demo data):
publishers and datasets, museums and their collection objects. Loading is idempotent: records
are upserted by a ``demo:`` source identifier, so a second load changes nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session

from catalog.models import AgentKind
from catalog.objects import upsert_object
from catalog.reuses.services import upsert_listed
from catalog.services import Upsert, ensure_local_catalog, upsert_agent, upsert_dataset

DEMO_DIR = Path(__file__).with_name("demo_data")
CATALOG_TITLE = {"cs": "Katalog otevřených dat Libereckého kraje",
                 "en": "Open data catalog of the Liberec Region"}


@dataclass
class LoadReport:
    """Counts of what a load did, per kind."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, outcome: Upsert) -> None:
        setattr(self, outcome.value, getattr(self, outcome.value) + 1)


def read_demo(name: str) -> dict[str, Any]:
    """One of the bundled demo files (``datasets`` or ``objects``)."""
    data: dict[str, Any] = json.loads((DEMO_DIR / f"{name}.json").read_text(encoding="utf-8"))
    return data


def _object_input(record: dict[str, Any]) -> dict[str, Any]:
    record = dict(record)
    image = record.pop("image", None)
    if image:
        record["images"] = [{"url": f"/static/demo/objects/{image}.svg", "rights": "CC0-1.0",
                             "caption": {"cs": "Ilustrace (ukázková data)",
                                         "en": "Illustration (demo data)"}}]
    return record


def load_datasets(session: Session, *, base_url: str) -> Iterator[tuple[str, Upsert]]:
    """Upsert the demo publishers and datasets; yields each dataset's slug and outcome."""
    data = read_demo("datasets")
    ensure_local_catalog(session, base_url, CATALOG_TITLE)
    for publisher in data["publishers"]:
        upsert_agent(session, publisher, kind=AgentKind.PUBLISHER, base_url=base_url)
    for record in data["datasets"]:
        _, outcome = upsert_dataset(session, f"demo:{record['slug']}", record, base_url=base_url)
        yield record["slug"], outcome


def load_objects(session: Session, *, base_url: str) -> Iterator[tuple[str, Upsert]]:
    """Upsert the demo institutions and collection objects."""
    data = read_demo("objects")
    for institution in data["institutions"]:
        upsert_agent(session, institution, kind=AgentKind.INSTITUTION, base_url=base_url)
    for record in data["objects"]:
        key = f"{record['institution']}:{record['inventory_number']}"
        _, outcome = upsert_object(session, f"demo:{key}", _object_input(record),
                                   base_url=base_url)
        yield key, outcome


def load_reuses(session: Session, *, base_url: str) -> Iterator[tuple[str, Upsert]]:
    """Upsert the demo reuses (published, linked to demo datasets: load those first)."""
    del base_url  # reuses have no IRIs of their own
    for record in read_demo("reuses")["reuses"]:
        record = dict(record)
        key = record.pop("key")
        published_at = datetime.fromisoformat(record.pop("published_at"))
        _, outcome = upsert_listed(session, f"demo:{key}", record, published_at=published_at)
        yield key, outcome
