"""Pure conversions from catalog records to search documents."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from catalog import vocabularies as voc
from catalog.models import Agent, CollectionObject, Dataset, Distribution
from catalog.search.base import SearchDocument
from catalog.search.collation import czech_sort_key


def _code(vocabulary: dict[str, voc.Term], iri: str | None) -> str | None:
    if not iri:
        return None
    term = voc.by_iri(vocabulary, iri)
    return term.code if term else None


def _finish(kind: str, record_id: int, url_key: str, title: dict[str, str],
            description: dict[str, str], keywords: list[str], text: str,
            facets: dict[str, list[str]], modified: str) -> SearchDocument:
    facets = {name: sorted(set(values)) for name, values in facets.items() if values}
    payload = [kind, record_id, url_key, title, description, keywords, text, facets, modified]
    version = hashlib.sha1(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode(),
                           usedforsecurity=False).hexdigest()
    return SearchDocument(kind=kind, id=record_id, url_key=url_key, title=title,
                          description=description, keywords=keywords, text=text, facets=facets,
                          sort_title=czech_sort_key(title.get("cs", "")), modified=modified,
                          version=version)


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
    }
    modified = (dataset.modified or dataset.updated_at.date()).isoformat()
    return _finish("dataset", dataset.id or 0, dataset.slug, dict(dataset.title),
                   dict(dataset.description), keywords, text, facets, modified)


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
    }
    modified = obj.updated_at.date().isoformat()
    return _finish("object", obj.id or 0, str(obj.id), dict(obj.title), dict(obj.description),
                   keywords, text, facets, modified)
