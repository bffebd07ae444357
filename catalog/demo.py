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

from catalog.editorial.models import EditorialItem
from catalog.editorial.services import ItemInput, item, linked_datasets, save_item
from catalog.errors import NotFound
from catalog.models import Agent, AgentKind, RecordState
from catalog.objects import upsert_object
from catalog.permissions import SYSTEM
from catalog.reuses.services import upsert_listed
from catalog.schemas import parse_input
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


def load_editorial(session: Session, *, base_url: str) -> Iterator[tuple[str, Upsert]]:
    """Upsert and publish the demo Smarter Region projects, events, news and pages (linked to
    demo datasets and publishers: load those first); yields ``kind:slug`` and the outcome."""
    del base_url  # editorial items have no IRIs of their own
    for record in read_demo("editorial")["items"]:
        record = dict(record)
        published_at = datetime.fromisoformat(record.pop("published_at"))
        item_in = parse_input(ItemInput, record)
        key = f"{item_in.kind.value}:{item_in.slug}"
        try:
            existing: EditorialItem | None = item(session, item_in.kind, item_in.slug)
        except NotFound:
            existing = None
        if existing is not None and _same_item(session, existing, item_in, published_at):
            yield key, Upsert.UNCHANGED
            continue
        saved = save_item(session, SYSTEM, item_in)
        saved.state, saved.published_at = RecordState.PUBLISHED, published_at
        session.flush()
        yield key, Upsert.CREATED if existing is None else Upsert.UPDATED


def _same_item(session: Session, found: EditorialItem, item_in: ItemInput,
               published_at: datetime) -> bool:
    values = item_in.model_dump(exclude={"kind", "slug", "organisation", "wifi_location",
                                         "datasets"})
    agent = session.get(Agent, found.agent_id) if found.agent_id else None
    return (all(getattr(found, name) == value for name, value in values.items())
            and found.state == RecordState.PUBLISHED and found.published_at == published_at
            and (agent.slug if agent else None) == item_in.organisation
            and sorted(d.slug for d in linked_datasets(session, found))
            == sorted(item_in.datasets))
