"""Reuses as ckanext-showcase's showcases: CKAN packages of type ``showcase`` whose ``url`` is
the reuse's address (pure conversions, like ``catalog.ckan``)."""

from __future__ import annotations

from typing import Any

from catalog.ckan import ckan_time
from catalog.reuses.models import Reuse

NAME_PREFIX = "reuse-"


def showcase_name(reuse: Reuse) -> str:
    """The CKAN name (a URL-safe key) of a reuse."""
    return f"{NAME_PREFIX}{reuse.id}"


def reuse_id_of(key: str) -> int | None:
    """The reuse id a showcase id or name stands for (None: no reuse can have it)."""
    key = key.removeprefix(NAME_PREFIX)
    return int(key) if key.isdigit() and len(key) <= 9 else None


def showcase_dict(reuse: Reuse, dataset_count: int, page_url: str) -> dict[str, Any]:
    """The package dict ckanext-showcase returns for a showcase."""
    extras = [
        {"key": "reuse_type", "value": reuse.type},
        {"key": "language", "value": reuse.language},
        {"key": "portal_url", "value": page_url},
    ]
    return {
        "id": str(reuse.id),
        "name": showcase_name(reuse),
        "title": reuse.title,
        "notes": reuse.description,
        "url": reuse.url,
        "type": "showcase",
        "state": "active",
        "private": False,
        "author": reuse.author_name or "",
        "author_email": "",
        "maintainer": None,
        "maintainer_email": None,
        "license_id": None,
        "owner_org": None,
        "organization": None,
        "image_url": "",
        "image_display_url": "",
        "metadata_created": ckan_time(reuse.published_at or reuse.created_at),
        "metadata_modified": ckan_time(reuse.updated_at),
        "num_resources": 0,
        "resources": [],
        "num_tags": 0,
        "tags": [],
        "groups": [],
        "extras": extras,
        "num_datasets": dataset_count,
    }
