"""Search over a handful of documents held in memory, answering as the indexes do (filters,
ranges, words, facet counts): for records no index holds, such as the unpublished datasets a
publisher's own API token may list."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from catalog.search.analysis import matches_text, plan_query
from catalog.search.base import FacetCount, Hit, SearchDocument, SearchQuery, SearchResult, Sort

FACET_LIMIT = 50


def _filtered(document: SearchDocument, query: SearchQuery, without: str | None) -> bool:
    if query.kinds and document.kind not in query.kinds:
        return False
    for facet, values in query.filters.items():
        if values and facet != without and not set(values) & set(document.facets.get(facet, ())):
            return False
    return all(getattr(document, name) in bounds for name, bounds in query.ranges.items())


def search_documents(documents: Sequence[SearchDocument], query: SearchQuery) -> SearchResult:
    """The documents matching ``query``, newest change first (by title for ``Sort.TITLE``),
    paged by its offset and limit, with disjunctive facet counts."""
    plan = plan_query(query.text)
    worded = [
        d
        for d in documents
        if matches_text(plan, *d.title.values(), *d.keywords, *d.description.values(), d.text)
    ]
    matched = [d for d in worded if _filtered(d, query, None)]
    if query.sort is Sort.TITLE:
        matched.sort(key=lambda d: d.sort_title)
    else:
        matched.sort(key=lambda d: (d.updated or datetime.min, d.id), reverse=True)
    facets = {}
    for facet in query.facets:
        counts = Counter(
            value for d in worded if _filtered(d, query, facet) for value in d.facets.get(facet, ())
        )
        facets[facet] = [
            FacetCount(value, count)
            for value, count in sorted(counts.items(), key=lambda c: (-c[1], c[0]))[:FACET_LIMIT]
        ]
    hits = [
        Hit(
            kind=d.kind,
            id=d.id,
            url_key=d.url_key,
            title=d.title,
            description=d.description,
            snippet="",
            facets=d.facets,
        )
        for d in matched[query.offset : query.offset + query.limit]
    ]
    kinds = Counter(
        d.kind
        for d in worded
        if _filtered(d, SearchQuery(filters=query.filters, ranges=query.ranges), None)
    )
    return SearchResult(total=len(matched), hits=hits, facets=facets, kind_counts=dict(kinds))
