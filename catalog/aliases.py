"""Former addresses of datasets: an old slug after a rename, and the dataset URLs of the region's
previous portal (datalk.cz, an ArcGIS Hub: ``/datasets/<item id>_<layer>``), so links keep
working with a permanent redirect."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import Column, String, cast, or_
from sqlmodel import Field, Session, SQLModel, col, select

from catalog.errors import NotFound, ValidationError
from catalog.models import Dataset, RecordState, SearchOutbox, timestamp_field

ARCGIS_KEY = re.compile(r"(?P<item>[0-9a-f]{32})_(?P<layer>[0-9]{1,4})")
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


class DatasetAlias(SQLModel, table=True):
    """An address a dataset had or has elsewhere: ``slug:<old slug>`` or ``arcgis:<key>``."""

    __tablename__ = "dataset_alias"

    alias: str = Field(sa_column=Column(String(200), primary_key=True))
    dataset_id: int = Field(foreign_key="dataset.id", index=True)
    created_at: datetime = timestamp_field()


def rename_dataset(session: Session, slug: str, new_slug: str) -> Dataset:
    """Give a dataset a new slug (its IRI stays); the old slug then redirects to it."""
    if not SLUG.fullmatch(new_slug) or len(new_slug) > 120:
        raise ValidationError("slug", f"{new_slug!r} is not a slug (a-z, 0-9 and hyphens)")
    dataset = session.exec(select(Dataset).where(Dataset.slug == slug)).first()
    if dataset is None:
        raise NotFound("dataset", slug)
    taken = session.exec(select(Dataset.id).where(Dataset.slug == new_slug)).first()
    if taken is not None:
        raise ValidationError("slug", f"a dataset {new_slug!r} already exists")
    assert dataset.id is not None
    stale = session.get(DatasetAlias, "slug:" + new_slug)
    if stale is not None:  # the new slug was someone's former one: it is now a live address
        session.delete(stale)
    session.merge(DatasetAlias(alias="slug:" + slug, dataset_id=dataset.id))
    dataset.slug = new_slug
    session.add(dataset)
    session.add(SearchOutbox(kind="dataset", entity_id=dataset.id))
    session.flush()
    return dataset


def add_arcgis_alias(session: Session, dataset_slug: str, key: str) -> None:
    """Record that the previous portal published the dataset as ``/datasets/<key>``."""
    if not ARCGIS_KEY.fullmatch(key):
        raise ValidationError("key", f"{key!r} is not an ArcGIS item id and layer")
    dataset = session.exec(select(Dataset).where(Dataset.slug == dataset_slug)).first()
    if dataset is None or dataset.id is None:
        raise NotFound("dataset", dataset_slug)
    session.merge(DatasetAlias(alias="arcgis:" + key, dataset_id=dataset.id))


def _published_slug(session: Session, dataset_id: int) -> str | None:
    dataset = session.get(Dataset, dataset_id)
    if dataset is None or dataset.state != RecordState.PUBLISHED:
        return None
    return dataset.slug


def former_slug_target(session: Session, slug: str) -> str | None:
    """The current slug of the published dataset that was called ``slug``."""
    alias = session.get(DatasetAlias, "slug:" + slug)
    return _published_slug(session, alias.dataset_id) if alias else None


def _names_arcgis_item(text: str, item: str, layer: str) -> bool:
    text = text.lower()
    if f"{item}_{layer}" in text:
        return True
    match = re.search(rf"[?&]id={item}(?:&(?:[^&]*&)*?sublayer=(\d+))?", text)
    return match is not None and (match.group(1) or "0") == layer


def arcgis_target(session: Session, key: str) -> str | None:
    """The slug of the published dataset the previous portal showed at ``/datasets/<key>``:
    a recorded alias, else a harvested dataset whose landing page or source identifiers name
    the same ArcGIS item and layer."""
    match = ARCGIS_KEY.fullmatch(key)
    if match is None:
        return None
    alias = session.get(DatasetAlias, "arcgis:" + key)
    if alias is not None:
        return _published_slug(session, alias.dataset_id)
    item, layer = match["item"], match["layer"]
    candidates = session.exec(select(Dataset).where(
        Dataset.state == RecordState.PUBLISHED,
        or_(col(Dataset.landing_page).contains(item),
            cast(col(Dataset.identifiers), String).contains(item))).limit(20)).all()
    for dataset in candidates:
        texts = [dataset.landing_page or "", *dataset.identifiers]
        if any(_names_arcgis_item(text, item, layer) for text in texts):
            return dataset.slug
    return None
