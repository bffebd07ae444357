"""Pure conversions of CKAN package dictionaries (package_create/update/patch input) to the
catalog's dataset input, and back from a stored dataset for patches.

What ``package_show`` returns is accepted back as input (its read-only keys are ignored), so a
client may fetch, change and send a package. Any other key is refused, naming it: nothing sent
is dropped silently.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from catalog import vocabularies as voc
from catalog.errors import ValidationError
from catalog.models import RecordState
from catalog.queries import DatasetView

READ_ONLY = {"id", "type", "metadata_created", "metadata_modified", "num_resources", "num_tags",
             "organization", "isopen", "license_title", "license_url", "creator_user_id",
             "relationships_as_subject", "relationships_as_object", "author", "author_email",
             "version"}
WRITABLE = {"name", "title", "notes", "url", "owner_org", "tags", "groups", "resources",
            "extras", "license_id", "state", "private", "maintainer", "maintainer_email",
            "title_translated", "notes_translated", "keywords_translated"}
RESOURCE_READ_ONLY = {"id", "package_id", "position", "mimetype_inner", "hash", "resource_type",
                      "url_type", "created", "last_modified", "metadata_modified", "cache_url",
                      "cache_last_updated", "state", "uri", "datastore_active"}
RESOURCE_WRITABLE = {"name", "description", "url", "format", "mimetype", "size", "access_url",
                     "download_url", "license", "issued", "modified", "name_translated"}
EXTRAS = {"issued", "modified", "frequency", "spatial_uri", "temporal_start", "temporal_end",
          "documentation", "theme"}
EXTRAS_IGNORED = {"uri", "identifier", "publisher_uri", "contact_uri", "spatial"}
# Catalog field names in validation errors, as a CKAN client knows them.
CKAN_FIELDS = {"slug": "name", "description": "notes", "publisher": "owner_org",
               "distributions": "resources", "keywords": "tags", "themes": "groups",
               "landing_page": "url", "contact": "maintainer"}


def ckan_field(field: str) -> str:
    """A catalog field path (``distributions.0.access_url``) in CKAN's names."""
    head, _, rest = field.partition(".")
    return CKAN_FIELDS.get(head, head) + (f".{rest}" if rest else "")


def _text(value: Any, field: str) -> str:
    if not isinstance(value, str):
        raise ValidationError(field, "must be a string")
    return value


def _texts(value: Any, field: str) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ValidationError(field, "must be an object of language codes to strings")
    return dict(value)


def _names(value: Any, field: str) -> list[str]:
    """CKAN's tags/groups: a list of {"name": ...} objects or of strings."""
    if not isinstance(value, list):
        raise ValidationError(field, "must be a list")
    names = []
    for position, item in enumerate(value):
        name = item.get("name") if isinstance(item, dict) else item
        if not isinstance(name, str) or not name.strip():
            raise ValidationError(f"{field}.{position}", "must be a name")
        names.append(name.strip())
    return names


def _format_code(value: str) -> str | None:
    if not value.strip():
        return None
    wanted = value.strip().casefold()
    for code, term in voc.FILE_TYPES.items():
        if wanted in (code.casefold(), term.label.casefold()):
            return code
    return value  # the catalog's validation names it as an unknown file type


def _resource(item: Any, position: int, licence: str | None) -> dict[str, Any]:
    field = f"resources.{position}"
    if not isinstance(item, dict):
        raise ValidationError(field, "must be an object")
    unknown = sorted(set(item) - RESOURCE_WRITABLE - RESOURCE_READ_ONLY)
    if unknown:
        raise ValidationError(f"{field}.{unknown[0]}", "unknown field")
    url = item.get("download_url") or item.get("url") or item.get("access_url")
    if not url:
        raise ValidationError(f"{field}.url", "Missing value")
    result: dict[str, Any] = {
        "access_url": _text(item.get("access_url") or url, f"{field}.url"),
        "download_url": _text(item.get("download_url") or url, f"{field}.url"),
    }
    title = _texts(item.get("name_translated") or {}, f"{field}.name_translated")
    if item.get("name"):
        title["cs"] = _text(item["name"], f"{field}.name")
    result["title"] = title
    if item.get("description"):
        result["description"] = {"cs": _text(item["description"], f"{field}.description")}
    if item.get("format"):
        result["format"] = _format_code(_text(item["format"], f"{field}.format"))
    if item.get("mimetype"):
        result["media_type"] = _text(item["mimetype"], f"{field}.mimetype")
    if item.get("size") not in (None, ""):
        size = item["size"]
        if isinstance(size, bool) or not isinstance(size, int | str) or not str(size).isdigit():
            raise ValidationError(f"{field}.size", "must be a whole number of bytes")
        result["byte_size"] = int(size)
    resource_licence = item.get("license") or licence
    if resource_licence:
        result["license"] = _text(resource_licence, f"{field}.license")
    for name in ("issued", "modified"):
        if item.get(name):
            result[name] = _text(item[name], f"{field}.{name}")[:10]
    return result


def _extras(value: Any) -> dict[str, Any]:
    if not isinstance(value, list):
        raise ValidationError("extras", "must be a list of {key, value} objects")
    found: dict[str, Any] = {}
    for position, item in enumerate(value):
        if not isinstance(item, dict) or not isinstance(item.get("key"), str):
            raise ValidationError(f"extras.{position}", "must be a {key, value} object")
        key = item["key"]
        if key in EXTRAS_IGNORED:
            continue
        if key not in EXTRAS:
            raise ValidationError(f"extras.{position}.key",
                                  f"unknown extra {key[:60]!r}; known: {', '.join(sorted(EXTRAS))}")
        found[key] = item.get("value")
    return found


def package_to_input(data: dict[str, Any], *, base: dict[str, Any] | None,
                     publisher_slug: Callable[[str], str]) -> dict[str, Any]:
    """The catalog input for a CKAN package dict. ``base`` is the current dataset's input (a
    patch changes only the keys given); ``publisher_slug`` maps an owner_org id or name to a
    publisher slug (or raises)."""
    unknown = sorted(set(data) - WRITABLE - READ_ONLY)
    if unknown:
        raise ValidationError(unknown[0], "unknown field")
    record: dict[str, Any] = dict(base or {})
    if "name" in data:
        record["slug"] = _text(data["name"], "name")
    if "title_translated" in data:
        record["title"] = _texts(data["title_translated"], "title_translated")
    if "title" in data:
        record["title"] = {**record.get("title", {}), "cs": _text(data["title"], "title")}
    if "notes_translated" in data:
        record["description"] = _texts(data["notes_translated"], "notes_translated")
    if "notes" in data:
        record["description"] = {**record.get("description", {}),
                                 "cs": _text(data["notes"] or "", "notes")}
    if "url" in data:
        record["landing_page"] = _text(data["url"], "url") if data["url"] else None
    if "owner_org" in data:
        record["publisher"] = publisher_slug(_text(str(data["owner_org"]), "owner_org"))
    if "keywords_translated" in data:
        words = data["keywords_translated"]
        if not isinstance(words, dict):
            raise ValidationError("keywords_translated", "must be an object of lists")
        record["keywords"] = dict(words)
    if "tags" in data:
        record["keywords"] = {**record.get("keywords", {}), "cs": _names(data["tags"], "tags")}
    extras = _extras(data["extras"]) if "extras" in data else {}
    if "theme" in extras:
        try:
            themes = json.loads(extras["theme"]) if isinstance(extras["theme"], str) else None
        except ValueError:
            themes = None
        if not isinstance(themes, list):
            raise ValidationError("extras.theme", "must be a JSON list of theme IRIs")
        record["themes"] = themes
    if "groups" in data:
        record["themes"] = [name.upper() for name in _names(data["groups"], "groups")]
    for key, target in (("issued", "issued"), ("modified", "modified"),
                        ("frequency", "frequency"), ("documentation", "documentation")):
        if key in extras:
            record[target] = extras[key] or None
    if "spatial_uri" in extras:
        record["spatial"] = [extras["spatial_uri"]] if extras["spatial_uri"] else []
    if "temporal_start" in extras or "temporal_end" in extras:
        record["temporal"] = {"start": extras.get("temporal_start") or None,
                              "end": extras.get("temporal_end") or None}
    if "maintainer" in data or "maintainer_email" in data:
        contact = dict(record.get("contact") or {})
        if "maintainer" in data:
            contact["name"] = data["maintainer"]
        if "maintainer_email" in data:
            contact["email"] = data["maintainer_email"]
        record["contact"] = contact if any(contact.values()) else None
    licence = data.get("license_id")
    if licence is not None and not isinstance(licence, str):
        raise ValidationError("license_id", "must be a string")
    if "resources" in data:
        if not isinstance(data["resources"], list):
            raise ValidationError("resources", "must be a list")
        record["distributions"] = [_resource(item, position, licence)
                                   for position, item in enumerate(data["resources"])]
    elif licence:
        record["distributions"] = [{**d, "license": licence}
                                   for d in record.get("distributions", [])]
    state = data.get("state")
    if state is not None:
        states = {"active": RecordState.PUBLISHED.value, "draft": RecordState.DRAFT.value}
        if state not in states:
            raise ValidationError("state", "must be active or draft (package_delete deletes)")
        record["state"] = states[state]
    if data.get("private") is True:
        record["state"] = RecordState.DRAFT.value
    return record


def view_to_input(view: DatasetView) -> dict[str, Any]:
    """A stored dataset as catalog input (what a patch starts from)."""
    d = view.dataset
    bbox = [d.bbox_west, d.bbox_south, d.bbox_east, d.bbox_north]
    contact = view.contact
    return {
        "slug": d.slug, "title": dict(d.title), "description": dict(d.description),
        "keywords": {k: list(v) for k, v in d.keywords.items()}, "publisher": view.publisher.slug,
        "themes": list(d.themes), "concepts": list(d.concepts), "spatial": list(d.spatial),
        "bbox": bbox if None not in bbox else None,
        "temporal": {"start": d.temporal_start, "end": d.temporal_end}
        if d.temporal_start or d.temporal_end else None,
        "frequency": d.frequency, "landing_page": d.landing_page,
        "documentation": d.documentation,
        "contact": {"name": contact.name, "email": contact.email, "url": contact.url}
        if contact else None,
        "issued": d.issued, "modified": d.modified, "state": d.state,
        "distributions": [{
            "title": dict(x.title), "description": dict(x.description),
            "access_url": x.access_url, "download_url": x.download_url, "format": x.format,
            "media_type": x.media_type, "byte_size": x.byte_size, "license": x.license,
            "terms_author_work": x.terms_author_work, "terms_author": dict(x.terms_author),
            "terms_database_work": x.terms_database_work,
            "terms_database_author": dict(x.terms_database_author),
            "terms_special_db_rights": x.terms_special_db_rights,
            "personal_data": x.terms_personal_data, "issued": x.issued, "modified": x.modified,
        } for x in view.distributions],
    }
