"""Catalog records as REST API v1 models (pure apart from the base URL used for links)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from catalog.models import Agent, CollectionObject, Distribution
from catalog.queries import DatasetView, ObjectView
from portal.api import rest_models as m
from portal.i18n import LOCALES
from portal.web.filters import term_code

LANGS = LOCALES


def texts(mapping: Mapping[str, Any] | None) -> m.Texts:
    mapping = mapping or {}
    return m.Texts(**{lang: mapping[lang] for lang in LANGS
                      if isinstance(mapping.get(lang), str) and mapping[lang]})


def text_lists(mapping: dict[str, list[str]] | None) -> m.TextLists:
    mapping = mapping or {}
    return m.TextLists(**{lang: list(mapping[lang]) for lang in LANGS if mapping.get(lang)})


def aware(value: datetime) -> datetime:
    """Stored timestamps are naive UTC; the API says so (RFC 3339 with a zone)."""
    return value.replace(tzinfo=UTC)


def _code(iri: str | None, vocabulary_name: str) -> str | None:
    return term_code(iri, vocabulary_name) or None


def links(base: str, api_path: str, html_path: str) -> m.Links:
    return m.Links(self=f"{base}/api/v1/{api_path}", html=f"{base}/{html_path}")


def distribution(dist: Distribution, dataset_slug: str, base: str) -> m.Distribution:
    return m.Distribution(
        id=dist.id or 0, iri=dist.iri, dataset=dataset_slug, title=texts(dist.title),
        description=texts(dist.description), access_url=dist.access_url,
        download_url=dist.download_url, format=_code(dist.format, "format"),
        media_type=dist.media_type, byte_size=dist.byte_size,
        licence=_code(dist.license, "licence"), licence_iri=dist.license,
        terms=m.Terms(author_work=dist.terms_author_work,
                      database_work=dist.terms_database_work,
                      special_db_rights=dist.terms_special_db_rights,
                      personal_data=dist.terms_personal_data),
        issued=dist.issued, modified=dist.modified,
        links=links(base, f"distributions/{dist.id}", f"datasets/{dataset_slug}"))


def agent_ref(agent: Agent) -> m.AgentRef:
    return m.AgentRef(slug=agent.slug, name=texts(agent.name))


def dataset(view: DatasetView, base: str) -> m.Dataset:
    d = view.dataset
    bbox = [d.bbox_west, d.bbox_south, d.bbox_east, d.bbox_north]
    contact = view.contact
    return m.Dataset(
        slug=d.slug, iri=d.iri, title=texts(d.title), description=texts(d.description),
        keywords=text_lists(d.keywords),
        themes=[code for iri in d.themes if (code := _code(iri, "theme"))],
        publisher=agent_ref(view.publisher),
        contact=m.Contact(name=contact.name, email=contact.email, url=contact.url)
        if contact else None,
        spatial=list(d.spatial),
        bbox=[float(v) for v in bbox if v is not None] if None not in bbox else None,
        temporal=m.Temporal(start=d.temporal_start, end=d.temporal_end)
        if d.temporal_start or d.temporal_end else None,
        frequency=d.frequency, landing_page=d.landing_page, documentation=d.documentation,
        issued=d.issued, modified=d.modified, updated_at=aware(d.updated_at),
        distributions=[distribution(x, d.slug, base) for x in view.distributions],
        links=links(base, f"datasets/{d.slug}", f"datasets/{d.slug}"))


def agent(record: Agent, count: int, base: str) -> m.Agent:
    segment = "publishers" if record.kind == "publisher" else "institutions"
    return m.Agent(slug=record.slug, iri=record.iri, name=texts(record.name),
                   homepage=record.homepage, email=record.email, ico=record.ico,
                   city=record.city, count=count,
                   links=links(base, f"{segment}/{record.slug}", f"{segment}/{record.slug}"))


def _measurements(obj: CollectionObject) -> list[m.Measurement]:
    return [m.Measurement(type=str(x.get("type", "")), value=float(x.get("value", 0)),
                          unit=str(x.get("unit", ""))) for x in obj.measurements]


def collection_object(view: ObjectView, base: str) -> m.CollectionObject:
    o = view.object
    return m.CollectionObject(
        id=o.id or 0, iri=o.iri, institution=agent_ref(view.institution),
        inventory_number=o.inventory_number, accession_number=o.accession_number,
        collection=o.collection, title=texts(o.title), object_type=o.object_type,
        classification=list(o.classification), description=texts(o.description),
        materials=list(o.materials), techniques=list(o.techniques),
        measurements=_measurements(o), maker=o.maker, production_date=o.production_date,
        earliest_year=o.earliest_year, latest_year=o.latest_year,
        production_place=o.production_place, subjects=list(o.subjects),
        images=[m.Image(url=str(i.get("url", "")), rights=i.get("rights"),
                        caption=texts(i.get("caption"))) for i in o.images],
        rights=o.rights, esbirky_url=o.esbirky_url, europeana_url=o.europeana_url,
        updated_at=aware(o.updated_at),
        links=links(base, f"objects/{o.id}", f"objects/{o.id}"))
