"""DCAT-US 1.1 ``data.json`` source (Project Open Data; ArcGIS Hub, Socrata, DKAN), e.g. the
region's current portal datalk.cz. Unfilled template placeholders (``{{source}}``,
``{{orgContactEmail}}``) are treated as missing and flagged, never published."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from harvesters import normalize as norm
from harvesters.errors import ParseError
from harvesters.http import HttpClient
from harvesters.models import RecordKind
from harvesters.sources.base import AgentData, Failed, Harvested, Item, RunState, SourceConfig
from harvesters.sources.file_fields import file_fields
from harvesters.store import slugify

ARCGIS_ID = re.compile(r"(?<![0-9a-f])([0-9a-f]{32})(?![0-9a-f])")

# ArcGIS Hub categories used by Czech regions (datalk.cz and its siblings) → EU data themes.
CATEGORY_THEMES = {
    "doprava": "TRAN", "dopravni infrastruktura": "TRAN",
    "kultura a kulturni dedictvi": "EDUC", "kultura": "EDUC", "skolstvi": "EDUC",
    "vzdelavani": "EDUC", "sport": "EDUC", "volny cas": "EDUC",
    "zivotni prostredi": "ENVI", "priroda": "ENVI",
    "dotace": "ECON", "ekonomika": "ECON", "hospodarstvi": "ECON", "finance": "ECON",
    "rozpocet": "ECON", "cestovni ruch": "ECON", "turismus": "ECON",
    "zdravotnictvi": "HEAL", "zdravi": "HEAL",
    "socialni oblast": "SOCI", "socialni sluzby": "SOCI", "obyvatelstvo": "SOCI",
    "uzemni planovani": "REGI", "regionalni rozvoj": "REGI", "uzemi": "REGI",
    "verejna sprava": "GOVE", "samosprava": "GOVE", "energetika": "ENER", "energie": "ENER",
    "zemedelstvi": "AGRI", "lesnictvi": "AGRI", "bezpecnost": "JUST", "krizove rizeni": "JUST",
    "veda a vyzkum": "TECH", "technologie": "TECH",
}


class DcatUsSource:
    """Reads one DCAT-US 1.1 ``data.json`` document (conditional GET: unchanged → 304)."""

    incremental = False

    def __init__(self, config: SourceConfig) -> None:
        self.config = config
        self.language = str(config.options.get("language", "cs"))
        extra = config.options.get("theme_map")
        self.themes = dict(CATEGORY_THEMES)
        if isinstance(extra, str) and extra:
            self.themes.update({slugify(k).replace("-", " "): v
                                for k, v in json.loads(extra).items()})

    def items(self, http: HttpClient, state: RunState) -> Iterator[Item]:
        url = self.config.url
        fetched = http.get(url, headers={"Accept": "application/json"},
                           validators=state.validators.get(url))
        if fetched.not_modified:
            state.not_modified = True
            return
        try:
            document = json.loads(fetched.content)
        except ValueError:
            kind = fetched.content_type or "no content type"
            raise ParseError(f"data.json is not JSON ({kind}) at {fetched.url}") from None
        if not isinstance(document, dict) or not isinstance(document.get("dataset"), list):
            raise ParseError(f"not a DCAT-US catalog: no dataset list at {fetched.url}")
        datasets = document["dataset"]
        del document
        for entry in datasets:
            yield self.dataset_to_item(entry)
        state.validators[url] = fetched.validators
        state.complete = True

    def dataset_to_item(self, entry: Any) -> Item:
        """Map one DCAT-US dataset object."""
        if not isinstance(entry, dict):
            return Failed("(not an object)", "a dataset entry that is not a JSON object")
        identifier = norm.text(entry.get("identifier"))
        if identifier is None:
            return Failed(str(entry.get("title") or "(untitled)")[:200],
                          "a dataset without identifier (or a placeholder as identifier)")
        lang = self.language
        flags = list(_placeholder_flags(entry))
        title = norm.text(entry.get("title"))
        description = norm.text(entry.get("description"))
        if title and not description:
            description = title
            flags.append("description missing: the title is used")
        data: dict[str, Any] = {
            "slug": slugify(title or identifier),
            "title": {lang: title} if title else {},
            "description": {lang: description} if description else {},
            "identifiers": [identifier] if " " not in identifier else [],
        }
        keywords = sorted({k for k in (norm.text(w) for w in _list(entry.get("keyword"))) if k})
        if keywords:
            data["keywords"] = {lang: keywords}
        themes: set[str] = set()
        for category in _list(entry.get("theme")):
            name = norm.text(category)
            if name is None:
                continue
            code = norm.theme(name) or self.themes.get(slugify(name).replace("-", " "))
            if code:
                themes.add(code)
            else:
                flags.append(f"category {name!r} has no EU data theme: left out")
        data["themes"] = sorted(themes)
        for key, target in (("issued", "issued"), ("modified", "modified")):
            if (value := norm.day(entry.get(key))) is not None:
                data[target] = value
        if (frequency := norm.frequency(entry.get("accrualPeriodicity"))) is not None:
            data["frequency"] = frequency
        if (landing := norm.url(entry.get("landingPage"))) is not None:
            data["landing_page"] = landing
        if (bbox := norm.bbox_from_string(entry.get("spatial"))) is not None:
            data["bbox"] = bbox
        elif isinstance(entry.get("spatial"), str) and "," in entry["spatial"]:
            flags.append("spatial is not a valid W,S,E,N bounding box: left out")
        contact = entry.get("contactPoint")
        if isinstance(contact, dict):
            found = {"name": norm.text(contact.get("fn")),
                     "email": norm.email(contact.get("hasEmail"))}
            if any(found.values()):
                data["contact"] = {k: v for k, v in found.items() if v}
        licence = norm.licence(entry.get("license"))
        if entry.get("license") and licence is None and norm.text(entry.get("license")):
            flags.append("licence not in the catalog's list: left out")
        data["distributions"] = [d for d in (
            _distribution(d, licence, lang, flags) for d in _list(entry.get("distribution"))
            if isinstance(d, dict)) if d]
        agent = _publisher(entry.get("publisher"))
        identities = [f"identifier:{identifier}"]
        if landing:
            identities.append(f"landing:{landing}")
        identities += [f"arcgis:{item}" for item in sorted(arcgis_ids(entry))]
        return Harvested(remote_id=identifier[:500], kind=RecordKind.DATASET, data=data,
                         identities=tuple(identities), flags=tuple(dict.fromkeys(flags)),
                         agent=agent, label=title or identifier)


def arcgis_ids(entry: Mapping[str, Any]) -> set[str]:
    """ArcGIS item ids (32 hex digits) in a record's identifier, landing page and URLs: the key
    shared by an ArcGIS Hub data.json and the LKOD generated from it."""
    texts = [str(entry.get(key) or "") for key in ("identifier", "landingPage", "iri", "@id")]
    for dist in _list(entry.get("distribution")):
        if isinstance(dist, dict):
            texts += [str(dist.get(key) or "") for key in ("accessURL", "downloadURL")]
    return {match.group(1) for text in texts for match in ARCGIS_ID.finditer(text.lower())}


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _placeholder_flags(entry: Mapping[str, Any]) -> Iterator[str]:
    def walk(prefix: str, value: Any) -> Iterator[tuple[str, Any]]:
        if isinstance(value, dict):
            for key, item in value.items():
                yield from walk(f"{prefix}.{key}" if prefix else str(key), item)
        elif isinstance(value, list):
            for item in value:
                yield from walk(prefix, item)
        else:
            yield prefix, value

    yield from norm.placeholders(walk("", entry))


def _publisher(value: Any) -> AgentData | None:
    if not isinstance(value, dict):
        return None
    name = norm.text(value.get("name"))
    if name is None:
        return None
    return AgentData(slug=slugify(name), name={"cs": name})


def _distribution(dist: Mapping[str, Any], licence: str | None, lang: str,
                  flags: list[str]) -> dict[str, Any] | None:
    access = norm.url(dist.get("accessURL")) or norm.url(dist.get("downloadURL"))
    if access is None:
        flags.append("a distribution without an http(s) URL was left out")
        return None
    values: dict[str, Any] = {"access_url": access}
    if (download := norm.url(dist.get("downloadURL"))) is not None:
        values["download_url"] = download
    return values | file_fields(lang, title=dist.get("title"), description=dist.get("description"),
                                file_format=dist.get("format"), media_type=dist.get("mediaType"),
                                licence=licence, flags=flags, noun="distribution")
