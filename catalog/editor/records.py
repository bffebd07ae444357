"""A dataset as the editable record ``catalog.schemas.DatasetInput`` accepts (JSON-ready), and
the field-by-field differences between two such records (the history's diffs)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from catalog.models import Agent, ContactPoint, DataService, Dataset, Distribution
from catalog.rdf.records import service_input
from catalog.vocabularies import TERMS_PERSONAL_DATA


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def distribution_record(dist: Distribution, service: DataService | None = None) -> dict[str, Any]:
    personal = next((code for code, iri in TERMS_PERSONAL_DATA.items()
                     if iri == dist.terms_personal_data), dist.terms_personal_data)
    return {
        "title": dict(dist.title), "description": dict(dist.description),
        "access_url": dist.access_url, "download_url": dist.download_url,
        "format": dist.format, "media_type": dist.media_type, "byte_size": dist.byte_size,
        "license": dist.license, "terms_author_work": dist.terms_author_work,
        "terms_author": dict(dist.terms_author),
        "terms_database_work": dist.terms_database_work,
        "terms_database_author": dict(dist.terms_database_author),
        "terms_special_db_rights": dist.terms_special_db_rights, "personal_data": personal,
        "issued": _day(dist.issued), "modified": _day(dist.modified),
        "access_service": service_input(service).model_dump(mode="json") if service else None,
    }


def dataset_record(session: Session, dataset: Dataset) -> dict[str, Any]:
    """Everything the editor can change of ``dataset``, as a ``DatasetInput`` mapping."""
    publisher = session.get(Agent, dataset.publisher_id)
    assert publisher is not None  # a foreign key guarantees it
    contact = session.get(ContactPoint, dataset.contact_point_id) \
        if dataset.contact_point_id else None
    distributions = session.exec(select(Distribution).where(
        Distribution.dataset_id == dataset.id).order_by(col(Distribution.position))).all()
    service_ids = {d.access_service_id for d in distributions if d.access_service_id}
    services = {s.id: s for s in session.exec(
        select(DataService).where(col(DataService.id).in_(service_ids)))} if service_ids else {}
    bbox = [dataset.bbox_west, dataset.bbox_south, dataset.bbox_east, dataset.bbox_north]
    temporal = {"start": _day(dataset.temporal_start), "end": _day(dataset.temporal_end)} \
        if dataset.temporal_start or dataset.temporal_end else None
    return {
        "slug": dataset.slug, "title": dict(dataset.title),
        "description": dict(dataset.description),
        "keywords": {lang: list(words) for lang, words in dataset.keywords.items()},
        "publisher": publisher.slug, "themes": list(dataset.themes),
        "concepts": list(dataset.concepts), "spatial": list(dataset.spatial),
        "bbox": bbox if None not in bbox else None, "temporal": temporal,
        "frequency": dataset.frequency, "landing_page": dataset.landing_page,
        "documentation": dataset.documentation,
        "contact": {"name": contact.name, "email": contact.email, "url": contact.url}
        if contact else None,
        "issued": _day(dataset.issued), "modified": _day(dataset.modified),
        "state": dataset.state,
        "identifiers": list(dataset.identifiers),
        "applicable_legislation": list(dataset.applicable_legislation),
        "hvd_categories": list(dataset.hvd_categories),
        "distributions": [distribution_record(d, services.get(d.access_service_id or 0))
                          for d in distributions],
    }


def _flatten(value: Any, prefix: str, out: dict[str, Any]) -> None:
    if isinstance(value, dict) and value:
        for key in sorted(value):
            _flatten(value[key], f"{prefix}.{key}" if prefix else str(key), out)
    elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        for index, item in enumerate(value):
            _flatten(item, f"{prefix}.{index + 1}", out)
    elif isinstance(value, list):
        out[prefix] = ", ".join(str(v) for v in value) if value else None
    else:
        out[prefix] = value if value not in ({}, "") else None


def differences(before: dict[str, Any] | None, after: dict[str, Any]) -> list[dict[str, Any]]:
    """``[{"field", "old", "new"}]`` for every flattened field that differs (dotted names,
    distributions numbered from 1)."""
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    _flatten(before or {}, "", old)
    _flatten(after, "", new)
    return [{"field": name, "old": old.get(name), "new": new.get(name)}
            for name in sorted(set(old) | set(new)) if old.get(name) != new.get(name)]
