"""Use cases of editorial content: validated saves checked against the item's organisation,
publishing, the published listings, and the news of a Wi-Fi location."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Annotated, Any

from pydantic import Field, model_validator
from sqlalchemy import func
from sqlmodel import Session, col, select

from catalog import queries
from catalog.accounts.services import actor_id, audit
from catalog.editorial.models import EditorialDataset, EditorialItem, ItemKind, ProjectStatus
from catalog.errors import NotFound, ValidationError
from catalog.models import Agent, AgentKind, Dataset, RecordState, utcnow
from catalog.permissions import Action, Principal, require
from catalog.schemas import LangText, RequiredLangText, Slug, _Input, parse_input

LIMIT = 50


class ItemInput(_Input):
    """What an editor may submit for an item of any kind (kind-specific fields optional)."""

    kind: ItemKind
    slug: Slug
    organisation: Slug | None = None
    title: RequiredLangText
    summary: LangText = Field(default_factory=dict)
    body: LangText = Field(default_factory=dict)
    event_start: datetime | None = None
    event_end: datetime | None = None
    event_place: Annotated[str, Field(max_length=300)] | None = None
    wifi_location: Slug | None = None
    project_status: ProjectStatus | None = None
    goals: LangText = Field(default_factory=dict)
    indicators: list[Annotated[str, Field(max_length=300)]] = Field(default_factory=list)
    datasets: list[Slug] = Field(default_factory=list)

    @model_validator(mode="after")
    def _by_kind(self) -> ItemInput:
        if self.kind is ItemKind.EVENT and self.event_start is None:
            raise ValueError("an event needs a start")
        if self.event_start and self.event_end and self.event_end < self.event_start:
            raise ValueError("end is before start")
        if self.kind is ItemKind.PROJECT and self.project_status is None:
            raise ValueError("a project needs a status")
        return self


def _organisation(session: Session, slug: str | None) -> Agent | None:
    if slug is None:
        return None
    try:
        return queries.agent(session, slug, AgentKind.PUBLISHER)
    except NotFound:
        raise ValidationError("organisation", f"unknown publisher {slug!r}") from None


def item(session: Session, kind: ItemKind, slug: str) -> EditorialItem:
    found = session.exec(select(EditorialItem).where(EditorialItem.kind == kind,
                                                     EditorialItem.slug == slug)).first()
    if found is None:
        raise NotFound(kind.value, slug)
    return found


def save_item(session: Session, actor: Principal, data: ItemInput | Mapping[str, Any], *,
              location_ids: Mapping[str, int] | None = None) -> EditorialItem:
    """Create or update (by kind and slug) an item; the actor needs the editorial right on the
    item's organisation (items of no organisation: site administrators). ``location_ids`` maps
    the Wi-Fi location slugs the caller knows to their ids."""
    item_in = parse_input(ItemInput, data)
    organisation = _organisation(session, item_in.organisation)
    require(actor, Action.EDITORIAL_EDIT, organisation)
    location_id = None
    if item_in.wifi_location is not None:
        if item_in.kind is not ItemKind.NEWS:
            raise ValidationError("wifi_location", "only news can belong to a Wi-Fi location")
        location_id = (location_ids or {}).get(item_in.wifi_location)
        if location_id is None:
            raise ValidationError("wifi_location",
                                  f"unknown Wi-Fi location {item_in.wifi_location!r}")
    existing = session.exec(select(EditorialItem).where(
        EditorialItem.kind == item_in.kind, EditorialItem.slug == item_in.slug)).first()
    if existing is not None:
        require(actor, Action.EDITORIAL_EDIT, _owner(session, existing))
    target = existing or EditorialItem(kind=item_in.kind, slug=item_in.slug, title={},
                                       created_by=actor_id(actor))
    values = item_in.model_dump(exclude={"kind", "slug", "organisation", "wifi_location",
                                         "datasets"})
    for name, value in values.items():
        setattr(target, name, value)
    target.agent_id = organisation.id if organisation else None
    target.wifi_location_id = location_id
    target.updated_at = utcnow()
    session.add(target)
    session.flush()
    _link_datasets(session, target, item_in.datasets)
    return target


def _owner(session: Session, found: EditorialItem) -> Agent | None:
    return session.get(Agent, found.agent_id) if found.agent_id else None


def _link_datasets(session: Session, target: EditorialItem, slugs: list[str]) -> None:
    for link in session.exec(select(EditorialDataset).where(
            EditorialDataset.item_id == target.id)):
        session.delete(link)
    session.flush()
    if not slugs:
        return
    found = {d.slug: d for d in session.exec(select(Dataset).where(
        col(Dataset.slug).in_(slugs)))}
    for slug in dict.fromkeys(slugs):
        if slug not in found:
            raise ValidationError("datasets", f"unknown dataset {slug!r}")
        session.add(EditorialDataset(item_id=target.id or 0, dataset_id=found[slug].id or 0))
    session.flush()


def set_state(session: Session, actor: Principal, kind: ItemKind, slug: str,
              state: RecordState) -> EditorialItem:
    """Publish, unpublish or delete (archive) an item."""
    found = item(session, kind, slug)
    require(actor, Action.EDITORIAL_EDIT, _owner(session, found))
    found.state = state
    if state == RecordState.PUBLISHED and found.published_at is None:
        found.published_at = utcnow()
    if state == RecordState.ARCHIVED:
        audit(session, "editorial.delete", actor_id=actor_id(actor), target_kind=kind.value,
              target_id=found.id, slug=slug)
    found.updated_at = utcnow()
    session.flush()
    return found


def published(session: Session, kind: ItemKind, limit: int = LIMIT) -> Sequence[EditorialItem]:
    """Published items of ``kind``: events by start (upcoming first), others newest first."""
    query = select(EditorialItem).where(EditorialItem.kind == kind,
                                        EditorialItem.state == RecordState.PUBLISHED)
    if kind is ItemKind.EVENT:
        query = query.order_by(col(EditorialItem.event_start).desc())
    else:
        query = query.order_by(col(EditorialItem.published_at).desc(),
                               col(EditorialItem.id).desc())
    return session.exec(query.limit(limit)).all()


def upcoming_events(session: Session, now: datetime,
                    limit: int = 3) -> Sequence[EditorialItem]:
    """Published events not yet over (ended, or started when without an end), soonest first."""
    return session.exec(select(EditorialItem).where(
        EditorialItem.kind == ItemKind.EVENT, EditorialItem.state == RecordState.PUBLISHED,
        func.coalesce(EditorialItem.event_end, EditorialItem.event_start) >= now)
        .order_by(col(EditorialItem.event_start)).limit(limit)).all()


def published_item(session: Session, kind: ItemKind, slug: str) -> EditorialItem:
    found = item(session, kind, slug)
    if found.state != RecordState.PUBLISHED:
        raise NotFound(kind.value, slug)
    return found


def linked_datasets(session: Session, target: EditorialItem) -> Sequence[Dataset]:
    """The published datasets an item links to."""
    return session.exec(select(Dataset).join(
        EditorialDataset, col(EditorialDataset.dataset_id) == Dataset.id).where(
        EditorialDataset.item_id == target.id, Dataset.state == RecordState.PUBLISHED)
        .order_by(col(Dataset.slug))).all()


def news_for_location(session: Session, location_id: int,
                      limit: int = 5) -> Sequence[EditorialItem]:
    """The newest published news of a Wi-Fi location (for its splash page)."""
    return session.exec(select(EditorialItem).where(
        EditorialItem.kind == ItemKind.NEWS, EditorialItem.state == RecordState.PUBLISHED,
        EditorialItem.wifi_location_id == location_id)
        .order_by(col(EditorialItem.published_at).desc()).limit(limit)).all()


def editable_items(session: Session, actor: Principal) -> Sequence[EditorialItem]:
    """Items the actor may edit (all for site administrators)."""
    query = select(EditorialItem).order_by(col(EditorialItem.updated_at).desc()).limit(500)
    if not actor.sysadmin:
        ids = actor.organisations(AgentKind.PUBLISHER)
        if not ids:
            return []
        query = query.where(col(EditorialItem.agent_id).in_(ids))
    return session.exec(query).all()
