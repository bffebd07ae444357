"""CKAN Action API source: ``package_search`` paged with ``rows``/``start`` (sorted by id, so
paging is stable), incremental by ``metadata_modified``; packages, resources, organizations,
tags, groups and extras mapped to the catalog's input."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from harvesters import normalize as norm
from harvesters.errors import ParseError
from harvesters.http import HttpClient
from harvesters.models import RecordKind
from harvesters.sources.base import AgentData, Failed, Harvested, Item, RunState, SourceConfig
from harvesters.sources.file_fields import file_fields
from harvesters.store import slugify

DEFAULT_ROWS = 100
MAX_ROWS = 1000  # CKAN clamps larger values


class CkanApiSource:
    """Reads a CKAN 2.x site through its Action API v3."""

    incremental = True

    def __init__(self, config: SourceConfig) -> None:
        self.config = config
        self.base = config.url.rstrip("/")
        self.rows = min(int(config.options.get("rows", DEFAULT_ROWS)), MAX_ROWS)
        self.language = str(config.options.get("language", "cs"))

    def items(self, http: HttpClient, state: RunState) -> Iterator[Item]:
        start = 0
        newest = state.since
        previous_first: str | None = None
        expected: int | None = None
        while True:
            params = {"q": "*:*", "rows": str(self.rows), "start": str(start),
                      "sort": "id asc"}
            if state.since:
                params["fq"] = f"metadata_modified:[{_solr_time(state.since)} TO *]"
            result = self._search(http, params)
            count, packages = result["count"], result["results"]
            expected = count if expected is None else expected
            if not packages:
                break
            first = str(packages[0].get("id"))
            if first == previous_first:
                raise ParseError(f"CKAN paging loops: start={start} returned the previous page "
                                 "again")
            previous_first = first
            for package in packages:
                modified = package.get("metadata_modified")
                if isinstance(modified, str) and (newest is None or modified > newest):
                    newest = modified
                yield package_to_item(package, self.base, self.language)
            start += len(packages)
            if start >= count or start > expected + self.rows * 10:
                break
        state.complete = True
        state.cursor = newest

    def _search(self, http: HttpClient, params: Mapping[str, str]) -> dict[str, Any]:
        url = f"{self.base}/api/3/action/package_search"
        fetched = http.get(url, params=params, headers={"Accept": "application/json"})
        try:
            envelope = json.loads(fetched.content)
        except ValueError:
            kind = fetched.content_type or "no content type"
            raise ParseError(f"the CKAN API did not answer JSON ({kind}) at {fetched.url}") \
                from None
        if not isinstance(envelope, dict) or "success" not in envelope:
            raise ParseError(f"not a CKAN Action API answer at {fetched.url}")
        if not envelope["success"]:
            error = envelope.get("error") or {}
            message = error.get("message") if isinstance(error, dict) else str(error)
            raise ParseError(f"the CKAN API refused package_search: {message}")
        result = envelope.get("result")
        if not (isinstance(result, dict) and isinstance(result.get("results"), list)
                and isinstance(result.get("count"), int)):
            raise ParseError(f"the CKAN package_search answer has no result list at "
                             f"{fetched.url}")
        return result


def _solr_time(value: str) -> str:
    stamp = value if "." in value or value.endswith("Z") else value + ".000"
    return stamp if stamp.endswith("Z") else stamp + "Z"


def _extras(package: Mapping[str, Any]) -> dict[str, Any]:
    extras: dict[str, Any] = {}
    for extra in package.get("extras") or []:
        if isinstance(extra, dict) and "key" in extra:
            extras[str(extra["key"])] = extra.get("value")
    return extras


def _listish(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    if isinstance(value, str) and value.startswith("["):
        try:
            parsed = json.loads(value)
        except ValueError:
            return [value]
        return parsed if isinstance(parsed, list) else [value]
    return [value] if value else []


def package_to_item(package: Mapping[str, Any], site: str, language: str = "cs") -> Item:
    """Map one CKAN package (``package_show`` shape) to a harvested dataset."""
    remote_id = norm.text(package.get("id")) or norm.text(package.get("name"))
    if remote_id is None:
        return Failed("(no id)", "a CKAN package without id or name")
    if package.get("state") not in (None, "active"):
        return Failed(remote_id, f"a CKAN package in state {package.get('state')!r} is skipped")
    flags: list[str] = list(norm.placeholders(
        (name, package.get(name)) for name in ("title", "notes", "maintainer", "author",
                                                "maintainer_email", "author_email")))
    extras = _extras(package)
    title = norm.text(package.get("title")) or norm.text(package.get("name"))
    description = norm.text(package.get("notes"))
    if title and not description:
        description = title
        flags.append("description missing: the title is used")
    lang = language
    data: dict[str, Any] = {
        "slug": norm.slug(package.get("name")) or slugify(title or remote_id),
        "title": {lang: title} if title else {},
        "description": {lang: description} if description else {},
    }
    tags = [norm.text(t.get("display_name") or t.get("name")) for t in package.get("tags") or []
            if isinstance(t, dict)]
    if tags:
        data["keywords"] = {lang: sorted({t for t in tags if t})}
    themes = {norm.theme(g.get("name")) for g in package.get("groups") or [] if isinstance(g, dict)}
    themes |= {norm.theme(t) for t in _listish(extras.get("theme"))}
    data["themes"] = sorted(t for t in themes if t)
    if (frequency := norm.frequency(extras.get("frequency"))) is not None:
        data["frequency"] = frequency
    spatial = [s for s in (norm.ruian(v) for v in _listish(extras.get("spatial_uri"))) if s]
    if spatial:
        data["spatial"] = spatial
    if (bbox := norm.bbox_from_geojson(extras.get("spatial"))) is not None:
        data["bbox"] = bbox
    if (landing := norm.url(package.get("url"))) is not None:
        data["landing_page"] = landing
    contact_name = norm.text(package.get("maintainer")) or norm.text(package.get("author"))
    contact_email = norm.email(package.get("maintainer_email")) or norm.email(
        package.get("author_email"))
    if contact_name or contact_email:
        data["contact"] = {k: v for k, v in (("name", contact_name), ("email", contact_email))
                           if v}
    if (issued := norm.day(package.get("metadata_created"))) is not None:
        data["issued"] = issued
    if (modified := norm.day(package.get("metadata_modified"))) is not None:
        data["modified"] = modified
    licence = norm.licence(package.get("license_id"), package.get("license_url"))
    if package.get("license_id") and licence is None:
        flags.append("licence not in the catalog's list: left out")
    data["distributions"] = [d for d in (
        _resource(r, licence, lang, flags) for r in package.get("resources") or []
        if isinstance(r, dict)) if d]
    agent = _organization(package.get("organization"), lang)
    identities = [f"ckan:{site}/dataset/{remote_id}"]
    published = [remote_id]  # the CKAN id, kept as adms:identifier
    for key in ("uri", "dcat_uri"):
        if (iri := norm.url(extras.get(key))) is not None:
            identities.append(f"iri:{iri}")
            published.append(iri)
    for key in ("identifier", "guid"):
        if (identifier := norm.text(extras.get(key))) is not None:
            identities.append(f"identifier:{identifier}")
            published.append(identifier)
    data["identifiers"] = sorted({p for p in published if " " not in p and len(p) <= 500})
    return Harvested(remote_id=remote_id, kind=RecordKind.DATASET, data=data,
                     identities=tuple(identities), flags=tuple(dict.fromkeys(flags)),
                     agent=agent, label=title or remote_id)


def _resource(resource: Mapping[str, Any], licence: str | None, lang: str,
              flags: list[str]) -> dict[str, Any] | None:
    access = norm.url(resource.get("url"))
    if access is None:
        flags.append("a resource without an http(s) URL was left out")
        return None
    distribution: dict[str, Any] = {"access_url": access, "download_url": access}
    distribution |= file_fields(lang, title=resource.get("name"),
                                description=resource.get("description"),
                                file_format=resource.get("format"),
                                media_type=resource.get("mimetype"), licence=licence,
                                flags=flags, noun="resource")
    size = resource.get("size")
    if isinstance(size, int) and size >= 0:
        distribution["byte_size"] = size
    if (modified := norm.day(resource.get("last_modified"))) is not None:
        distribution["modified"] = modified
    return distribution


def _organization(organization: Any, lang: str) -> AgentData | None:
    if not isinstance(organization, dict):
        return None
    name = norm.slug(organization.get("name")) or slugify(str(organization.get("title") or ""))
    title = norm.text(organization.get("title")) or name
    if not name or not title:
        return None
    # The catalog requires a Czech name: the organization's title stands in, whatever its language.
    return AgentData(slug=name, name={"cs": title})
