"""Pure conversions from catalog records to search documents."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime

from catalog import vocabularies as voc
from catalog.models import Agent, AgentKind, CollectionObject, Dataset, Distribution
from catalog.search.base import SearchDocument
from catalog.search.collation import czech_sort_key


def _code(vocabulary: dict[str, voc.Term], iri: str | None) -> str | None:
    if not iri:
        return None
    term = voc.by_iri(vocabulary, iri)
    return term.code if term else None


def make_document(kind: str, record_id: int, url_key: str, title: dict[str, str],
            description: dict[str, str], keywords: list[str], text: str,
            facets: dict[str, list[str]], modified: str, *, created: datetime | None = None,
            updated: datetime | None = None, sort_text: str | None = None) -> SearchDocument:
    """A search document with its sort key (of ``sort_text``, else of the Czech title) and
    version (a hash of everything it holds)."""
    facets = {name: sorted(set(values)) for name, values in facets.items() if values}
    payload = [kind, record_id, url_key, title, description, keywords, text, facets, modified,
               *(stamp.isoformat() for stamp in (created, updated) if stamp is not None)]
    version = hashlib.sha1(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode(),
                           usedforsecurity=False).hexdigest()
    sort_title = czech_sort_key(title.get("cs", "") if sort_text is None else sort_text)
    return SearchDocument(kind=kind, id=record_id, url_key=url_key, title=title,
                          description=description, keywords=keywords, text=text, facets=facets,
                          sort_title=sort_title, modified=modified,
                          version=version, created=created, updated=updated)


def area(iri: str) -> str:
    """The RÚIAN facet value of a RÚIAN IRI: its type and code (``obec/563889``)."""
    return iri.removeprefix(voc.RUIAN_BASE)


def periods(earliest: int | None, latest: int | None) -> list[str]:
    """The centuries a dating spans, as period facet values (``1801-1900``, ``-200--101``)."""
    if earliest is None and latest is None:
        return []
    first = earliest if earliest is not None else latest
    last = latest if latest is not None else earliest
    assert first is not None and last is not None
    first, last = min(first, last), max(first, last)
    start = (first - 1) // 100 * 100 + 1
    values: list[str] = []
    while start <= last and len(values) < 40:
        values.append(f"{start}-{start + 99}")
        start += 100
    return values


def dataset_document(dataset: Dataset, publisher: Agent,
                     distributions: Sequence[Distribution]) -> SearchDocument:
    """The search document of a published dataset."""
    keywords = [word for words in dataset.keywords.values() for word in words]
    formats = [code for d in distributions if (code := _code(voc.FILE_TYPES, d.format))]
    licences = [code for d in distributions if (code := _code(voc.LICENCES, d.license))]
    themes = [code for iri in dataset.themes if (code := _code(voc.THEMES, iri))]
    text = " ".join([
        *publisher.name.values(),
        *(title for d in distributions for title in d.title.values()),
        *(voc.ruian_label(iri) for iri in dataset.spatial),
    ])
    facets = {
        "theme": themes,
        "publisher": [publisher.slug],
        "format": formats,
        "licence": licences,
        "keyword": [word.casefold() for word in dataset.keywords.get("cs", [])],
        "area": [area(iri) for iri in dataset.spatial if iri.startswith(voc.RUIAN_BASE)],
    }
    modified = (dataset.modified or dataset.updated_at.date()).isoformat()
    return make_document("dataset", dataset.id or 0, dataset.slug, dict(dataset.title),
                   dict(dataset.description), keywords, text, facets, modified,
                   created=dataset.created_at, updated=dataset.updated_at)


def object_document(obj: CollectionObject, institution: Agent) -> SearchDocument:
    """The search document of a published collection object."""
    keywords = [*obj.subjects, *obj.classification, obj.object_type]
    text = " ".join(filter(None, [
        *institution.name.values(), obj.inventory_number, obj.maker, obj.production_place,
        obj.production_date, *obj.materials, *obj.techniques, obj.collection,
    ]))
    facets = {
        "institution": [institution.slug],
        "object_type": [obj.object_type.casefold()],
        "material": [material.casefold() for material in obj.materials],
        "period": periods(obj.earliest_year, obj.latest_year),
        # the museum register's place and maker facets: names as written (people and places)
        "place": [obj.production_place.strip()] if obj.production_place else [],
        "maker": [m.strip() for m in (obj.maker or "").split(";") if m.strip()],
    }
    modified = obj.updated_at.date().isoformat()
    return make_document("object", obj.id or 0, str(obj.id), dict(obj.title), dict(obj.description),
                   keywords, text, facets, modified, created=obj.created_at,
                   updated=obj.updated_at)


def agent_document(agent: Agent) -> SearchDocument:
    """The search document of a publisher or a holding institution (kind ``publisher`` or
    ``institution``)."""
    kind = "institution" if agent.kind == AgentKind.INSTITUTION else "publisher"
    text = " ".join(filter(None, [agent.city, agent.homepage, agent.ico]))
    return make_document(kind, agent.id or 0, agent.slug, dict(agent.name), {}, [], text, {},
                   agent.updated_at.date().isoformat(), created=agent.created_at,
                   updated=agent.updated_at)
