"""Pure conversions of catalog records to CKAN's dictionaries (Action API v3 default schema),
with the DCAT-AP field names ckanext-dcat uses as extras, so CKAN clients and harvesters read
the portal as they read a CKAN site.

CKAN is single-language: ``title`` and ``notes`` are the Czech texts; every language is also
given as ``title_translated`` / ``notes_translated`` (the ckanext-fluent convention).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from catalog import vocabularies as voc
from catalog.models import Agent, Distribution, RecordState
from catalog.queries import DatasetView

# CKAN's package states for the portal's record states.
STATES = {RecordState.PUBLISHED: "active", RecordState.DRAFT: "draft",
          RecordState.ARCHIVED: "deleted"}
# CKAN's facet and filter fields for the portal's search facets.
CKAN_FACETS = {"organization": "publisher", "groups": "theme", "res_format": "format",
               "license_id": "licence", "tags": "keyword"}
LICENCE_URLS = {
    "CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC-BY-SA-4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "CC0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
    "ODbL-1.0": "https://opendatacommons.org/licenses/odbl/1-0/",
}


def ckan_time(value: datetime | None) -> str | None:
    """CKAN's timestamps: naive ISO 8601 UTC with microseconds, no zone suffix."""
    return value.replace(tzinfo=None).isoformat(timespec="microseconds") if value else None


def cs_text(mapping: dict[str, str] | None) -> str:
    mapping = mapping or {}
    return mapping.get("cs") or next(iter(mapping.values()), "")


def group_name(theme_code: str) -> str:
    """A theme's CKAN group name (CKAN names are lowercase)."""
    return theme_code.lower()


def theme_from_group(name: str) -> str | None:
    code = name.upper()
    return code if code in voc.THEMES else None


def _code(vocabulary: dict[str, voc.Term], iri: str | None) -> str | None:
    term = voc.by_iri(vocabulary, iri) if iri else None
    return term.code if term else None


def organization_dict(agent: Agent, *, package_count: int | None = None) -> dict[str, Any]:
    """A publisher as a CKAN organization."""
    result: dict[str, Any] = {
        "id": str(agent.id),
        "name": agent.slug,
        "title": cs_text(agent.name),
        "display_name": cs_text(agent.name),
        "type": "organization",
        "description": "",
        "image_url": "",
        "image_display_url": "",
        "created": ckan_time(agent.created_at),
        "is_organization": True,
        "approval_status": "approved",
        "state": "active",
        "title_translated": dict(agent.name),
        "url": agent.homepage,
        "uri": agent.iri,
    }
    if package_count is not None:
        result["package_count"] = package_count
    return result


def group_dict(code: str, title: str, *, package_count: int | None = None) -> dict[str, Any]:
    """An EU data theme as a CKAN group."""
    term = voc.THEMES[code]
    result: dict[str, Any] = {
        "id": group_name(code),
        "name": group_name(code),
        "title": title,
        "display_name": title,
        "description": "",
        "image_display_url": "",
        "type": "group",
        "is_organization": False,
        "approval_status": "approved",
        "state": "active",
        "uri": term.iri,
    }
    if package_count is not None:
        result["package_count"] = package_count
    return result


def licence_dict(code: str) -> dict[str, Any]:
    """A licence as CKAN's license_list entry."""
    term = voc.LICENCES[code]
    return {
        "id": code,
        "title": term.label,
        "url": LICENCE_URLS.get(code, term.iri),
        "uri": term.iri,
        "is_okd_compliant": True,
        "is_osi_compliant": False,
        "is_generic": False,
        "domain_content": True,
        "domain_data": True,
        "domain_software": False,
        "family": "",
        "maintainer": "",
        "od_conformance": "approved",
        "osd_conformance": "not reviewed",
        "status": "active",
    }


def resource_dict(dist: Distribution, package_id: int, created: datetime,
                  modified: datetime) -> dict[str, Any]:
    """A distribution as a CKAN resource (DCAT-AP resource fields as ckanext-dcat names them)."""
    file_type = _code(voc.FILE_TYPES, dist.format)
    return {
        "id": str(dist.id),
        "package_id": str(package_id),
        "position": dist.position,
        "name": cs_text(dist.title),
        "description": cs_text(dist.description),
        "url": dist.download_url or dist.access_url,
        "format": voc.FILE_TYPES[file_type].label if file_type else "",
        "mimetype": dist.media_type,
        "mimetype_inner": None,
        "size": dist.byte_size,
        "hash": "",
        "resource_type": None,
        "url_type": None,
        "created": ckan_time(created),
        "last_modified": dist.modified.isoformat() if dist.modified else None,
        "metadata_modified": ckan_time(modified),
        "cache_url": None,
        "cache_last_updated": None,
        "state": "active",
        "access_url": dist.access_url,
        "download_url": dist.download_url,
        "license": dist.license,
        "issued": dist.issued.isoformat() if dist.issued else None,
        "modified": dist.modified.isoformat() if dist.modified else None,
        "uri": dist.iri,
        "name_translated": dict(dist.title),
    }


def _extras(view: DatasetView) -> list[dict[str, str]]:
    dataset = view.dataset
    values: dict[str, str | None] = {
        "uri": dataset.iri,
        "identifier": dataset.iri,
        "issued": dataset.issued.isoformat() if dataset.issued else None,
        "modified": dataset.modified.isoformat() if dataset.modified else None,
        "frequency": dataset.frequency,
        "theme": json.dumps(dataset.themes) if dataset.themes else None,
        "spatial_uri": dataset.spatial[0] if dataset.spatial else None,
        "temporal_start": dataset.temporal_start.isoformat() if dataset.temporal_start else None,
        "temporal_end": dataset.temporal_end.isoformat() if dataset.temporal_end else None,
        "documentation": dataset.documentation,
        "contact_uri": view.contact.url if view.contact else None,
        "publisher_uri": view.publisher.iri,
    }
    if None not in (dataset.bbox_west, dataset.bbox_south, dataset.bbox_east,
                    dataset.bbox_north):
        w, s, e, n = dataset.bbox_west, dataset.bbox_south, dataset.bbox_east, dataset.bbox_north
        values["spatial"] = json.dumps({"type": "Polygon", "coordinates": [
            [[w, s], [e, s], [e, n], [w, n], [w, s]]]})
    return [{"key": key, "value": value} for key, value in sorted(values.items())
            if value is not None]


def package_dict(view: DatasetView, theme_titles: dict[str, str]) -> dict[str, Any]:
    """A dataset as CKAN's ``package_show`` result; ``theme_titles`` labels the groups."""
    dataset = view.dataset
    licence_codes = [code for d in view.distributions if (code := _code(voc.LICENCES, d.license))]
    licence = licence_codes[0] if licence_codes else None
    tags = [{"id": word, "name": word, "display_name": word, "vocabulary_id": None,
             "state": "active"} for word in dataset.keywords.get("cs", [])]
    themes = [code for iri in dataset.themes if (code := _code(voc.THEMES, iri))]
    contact = view.contact
    return {
        "id": str(dataset.id),
        "name": dataset.slug,
        "title": cs_text(dataset.title),
        "type": "dataset",
        "notes": cs_text(dataset.description),
        "url": dataset.landing_page,
        "version": None,
        "author": None,
        "author_email": None,
        "maintainer": contact.name if contact else None,
        "maintainer_email": contact.email if contact else None,
        "license_id": licence,
        "license_title": voc.LICENCES[licence].label if licence else None,
        "license_url": LICENCE_URLS.get(licence) if licence else None,
        "isopen": licence is not None,
        "private": dataset.state == RecordState.DRAFT,  # seen by its publisher only
        "state": STATES.get(RecordState(dataset.state), "active"),
        "owner_org": str(view.publisher.id),
        "creator_user_id": None,
        "metadata_created": ckan_time(dataset.created_at),
        "metadata_modified": ckan_time(dataset.updated_at),
        "num_resources": len(view.distributions),
        "num_tags": len(tags),
        "organization": organization_dict(view.publisher),
        "groups": [{"id": group_name(code), "name": group_name(code),
                    "title": theme_titles.get(code, code),
                    "display_name": theme_titles.get(code, code), "description": "",
                    "image_display_url": ""} for code in themes],
        "tags": tags,
        "extras": _extras(view),
        "resources": [resource_dict(d, dataset.id or 0, dataset.created_at, dataset.updated_at)
                      for d in view.distributions],
        "relationships_as_subject": [],
        "relationships_as_object": [],
        "title_translated": dict(dataset.title),
        "notes_translated": dict(dataset.description),
        "keywords_translated": {lang: list(words) for lang, words in dataset.keywords.items()},
    }
