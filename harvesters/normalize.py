"""Turning what other catalogs write into values the catalog accepts: file formats, licences,
frequencies, e-mails, URLs, bounding boxes, and template placeholders treated as missing.

Every function is pure; a value that cannot be mapped gives None (the adapter then flags it).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

from catalog import vocabularies as voc
from catalog.schemas import SLUG_RE, URL_RE

PLACEHOLDER_RE = re.compile(r"\{\{[^{}]*\}\}")
# The quality flag of a field holding a placeholder; the job report and the quality score read
# the field back with ``placeholder_field``.
PLACEHOLDER_FLAG = "template placeholder in {} treated as missing"
_PLACEHOLDER_FLAG_RE = re.compile("^" + re.escape(PLACEHOLDER_FLAG).replace(r"\{\}", "(.+)") + "$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MEDIA_TYPE_RE = re.compile(r"^[\w.+-]+/[\w.+-]+$")

_FORMAT_ALIASES = {
    "CSV": "CSV", "TEXT/CSV": "CSV",
    "JSON": "JSON", "APPLICATION/JSON": "JSON",
    "GEOJSON": "GEOJSON", "APPLICATION/GEO+JSON": "GEOJSON", "APPLICATION/VND.GEO+JSON": "GEOJSON",
    "XML": "XML", "APPLICATION/XML": "XML", "TEXT/XML": "XML",
    "XLSX": "XLSX", "XLS": "XLS", "ODS": "ODS", "PDF": "PDF", "APPLICATION/PDF": "PDF",
    "ZIP": "ZIP", "APPLICATION/ZIP": "ZIP", "HTML": "HTML", "TEXT/HTML": "HTML",
    "SHP": "SHP", "SHAPEFILE": "SHP", "ESRI SHAPEFILE": "SHP",
    "KML": "KML", "APPLICATION/VND.GOOGLE-EARTH.KML+XML": "KML",
    "GML": "GML", "GPKG": "GPKG", "GEOPACKAGE": "GPKG",
    "WMS": "WMS_SRVC", "WMS_SRVC": "WMS_SRVC", "WFS": "WFS_SRVC", "WFS_SRVC": "WFS_SRVC",
    "TURTLE": "RDF_TURTLE", "TTL": "RDF_TURTLE", "TEXT/TURTLE": "RDF_TURTLE",
    "RDF_TURTLE": "RDF_TURTLE", "JSON-LD": "JSON_LD", "JSONLD": "JSON_LD",
    "JSON_LD": "JSON_LD", "APPLICATION/LD+JSON": "JSON_LD", "RDF/XML": "RDF_XML",
    "RDF": "RDF_XML", "RDF_XML": "RDF_XML", "APPLICATION/RDF+XML": "RDF_XML",
    "TXT": "TXT", "TEXT/PLAIN": "TXT",
}

_LICENCE_ALIASES = {
    "cc-by": "CC-BY-4.0", "cc-by-4.0": "CC-BY-4.0", "cc by 4.0": "CC-BY-4.0",
    "cc_by_4_0": "CC-BY-4.0", "creativecommons.org/licenses/by/4.0": "CC-BY-4.0",
    "cc-by-sa": "CC-BY-SA-4.0", "cc-by-sa-4.0": "CC-BY-SA-4.0", "cc_bysa_4_0": "CC-BY-SA-4.0",
    "creativecommons.org/licenses/by-sa/4.0": "CC-BY-SA-4.0",
    "cc-zero": "CC0-1.0", "cc0": "CC0-1.0", "cc0-1.0": "CC0-1.0",
    "creativecommons.org/publicdomain/zero/1.0": "CC0-1.0",
    "odc-odbl": "ODbL-1.0", "odbl": "ODbL-1.0", "odbl-1.0": "ODbL-1.0", "odbl_1_0": "ODbL-1.0",
    "opendatacommons.org/licenses/odbl": "ODbL-1.0",
}


def text(value: Any) -> str | None:
    """A stripped string, or None when empty or an unfilled template placeholder."""
    if value is None:
        return None
    result = str(value).strip()
    if not result or PLACEHOLDER_RE.search(result):
        return None
    return result


def placeholders(values: Iterable[tuple[str, Any]]) -> Iterator[str]:
    """A quality flag for each (field, value) that is an unfilled template placeholder."""
    for name, value in values:
        if isinstance(value, str) and PLACEHOLDER_RE.search(value):
            yield PLACEHOLDER_FLAG.format(name)


def placeholder_field(flag: str) -> str | None:
    """The field named by a placeholder flag (None for any other flag)."""
    found = _PLACEHOLDER_FLAG_RE.match(flag)
    return found.group(1) if found else None


def url(value: Any) -> str | None:
    candidate = text(value)
    if candidate and URL_RE.match(candidate) and len(candidate) <= 1000:
        return candidate
    return None


def email(value: Any) -> str | None:
    candidate = text(value)
    if candidate is None:
        return None
    candidate = candidate.removeprefix("mailto:")
    return candidate if EMAIL_RE.match(candidate) and len(candidate) <= 200 else None


def media_type(value: Any) -> str | None:
    candidate = text(value)
    if candidate is None:
        return None
    candidate = candidate.removeprefix("http://www.iana.org/assignments/media-types/")
    candidate = candidate.removeprefix("https://www.iana.org/assignments/media-types/")
    return candidate.lower() if MEDIA_TYPE_RE.match(candidate) else None


def file_format(*values: Any) -> str | None:
    """The EU file-type code of the first value that names one (code, IRI, label, media type)."""
    for value in values:
        candidate = text(value)
        if candidate is None:
            continue
        if candidate.startswith(voc.FILE_TYPE_BASE):
            code = candidate.rstrip("/").rsplit("/", 1)[-1]
            if code in voc.FILE_TYPES:
                return code
            continue
        candidate = candidate.removeprefix("http://www.iana.org/assignments/media-types/")
        found = _FORMAT_ALIASES.get(candidate.upper().lstrip("."))
        if found:
            return found
    return None


def licence(*values: Any) -> str | None:
    """The catalog's licence code for a licence id, IRI or title."""
    for value in values:
        candidate = text(value)
        if candidate is None:
            continue
        if candidate in voc.LICENCES:
            return candidate
        for term in voc.LICENCES.values():
            if candidate == term.iri:
                return term.code
        key = re.sub(r"^https?://(www\.)?", "", candidate.lower()).rstrip("/")
        key = re.sub(r"/(deed|legalcode)(\.[a-z-]+)?$", "", key)
        found = _LICENCE_ALIASES.get(key)
        if found:
            return found
    return None


def frequency(value: Any) -> str | None:
    """The EU frequency code for a code or IRI (ISO 8601 durations of DCAT-US included)."""
    candidate = text(value)
    if candidate is None:
        return None
    code = candidate.rstrip("/").rsplit("/", 1)[-1].upper()
    durations = {"R/P1D": "DAILY", "R/P1W": "WEEKLY", "R/P1M": "MONTHLY", "R/P3M": "QUARTERLY",
                 "R/P6M": "BIANNUAL", "R/P1Y": "ANNUAL", "R/PT1S": "CONT", "IRREGULAR": "IRREG"}
    code = durations.get(candidate.upper(), code)
    return code if code in voc.FREQUENCIES else None


def theme(value: Any) -> str | None:
    candidate = text(value)
    if candidate is None:
        return None
    code = candidate.rstrip("/").rsplit("/", 1)[-1].upper()
    return code if code in voc.THEMES else None


def ruian(value: Any) -> str | None:
    candidate = text(value)
    if candidate and candidate.startswith(voc.RUIAN_BASE) and re.match(
            r"^[a-z-]+/\d+$", candidate[len(voc.RUIAN_BASE):]):
        return candidate
    return None


def day(value: Any) -> str | None:
    """An ISO date (YYYY-MM-DD) from a date or date-time string."""
    candidate = text(value)
    if candidate is None:
        return None
    match = re.match(r"^(\d{4}-\d{2}-\d{2})", candidate)
    if not match:
        return None
    try:
        return date.fromisoformat(match.group(1)).isoformat()
    except ValueError:
        return None


def timestamp(value: Any) -> datetime | None:
    candidate = text(value)
    if candidate is None:
        return None
    try:
        return datetime.fromisoformat(candidate.replace("Z", "+00:00"))
    except ValueError:
        return None


def bbox_from_string(value: Any) -> list[float] | None:
    """A "W,S,E,N" bounding box (DCAT-US ``spatial``) as [west, south, east, north]."""
    candidate = text(value)
    if candidate is None:
        return None
    parts = [p.strip() for p in candidate.split(",")]
    if len(parts) != 4:
        return None
    try:
        west, south, east, north = (float(p) for p in parts)
    except ValueError:
        return None
    return _valid_bbox([west, south, east, north])


def bbox_from_geojson(value: Any) -> list[float] | None:
    """The bounding box of a GeoJSON geometry (a dict or its JSON text)."""
    geometry = value
    if isinstance(value, str):
        try:
            geometry = json.loads(value)
        except ValueError:
            return None
    if not isinstance(geometry, dict):
        return None
    xs: list[float] = []
    ys: list[float] = []

    def walk(coords: Any) -> None:
        if isinstance(coords, list) and len(coords) >= 2 and all(
                isinstance(c, int | float) for c in coords[:2]):
            xs.append(float(coords[0]))
            ys.append(float(coords[1]))
        elif isinstance(coords, list):
            for part in coords:
                walk(part)

    walk(geometry.get("coordinates"))
    if not xs:
        return None
    return _valid_bbox([min(xs), min(ys), max(xs), max(ys)])


def _valid_bbox(box: list[float]) -> list[float] | None:
    west, south, east, north = box
    if -180 <= west <= east <= 180 and -90 <= south <= north <= 90:
        return box
    return None


def slug(value: Any) -> str | None:
    candidate = text(value)
    if candidate and SLUG_RE.match(candidate) and len(candidate) <= 120:
        return candidate
    return None
