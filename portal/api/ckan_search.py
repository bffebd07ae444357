"""CKAN's ``package_search``: Solr-style ``q`` and ``fq`` (facet fields, date ranges on
metadata_created and metadata_modified, state and capacity) read safely by
``catalog.ckan_query`` and answered by the search index, by the database for plain newest-first
listings, and, with ``include_private`` or ``include_drafts``, also from the unpublished
datasets the API token's user may see."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from sqlmodel import select

from catalog import batches, ckan
from catalog import vocabularies as voc
from catalog.ckan_query import DATE_FIELDS, SearchQueryError, looks_like_field_query, parse_filter
from catalog.models import Agent, AgentKind, RecordState, utcnow
from catalog.queries import DatasetView, agents_by_slug
from catalog.search.base import FacetCount, Range, SearchQuery, SearchResult, Sort
from catalog.search.documents import dataset_document
from catalog.search.memory import search_documents
from portal.api import ckan_params as params
from portal.api.auth import token_use
from portal.api.ckan import action
from portal.api.ckan_actions import ROWS_MAX, packages, theme_titles
from portal.api.render_cache import rendered_datasets
from portal.state import db_session, state

DEFAULT_SORT = "score desc, metadata_modified desc"
SORTS = {
    "score desc, metadata_modified desc": Sort.RELEVANCE,
    "rank": Sort.RELEVANCE,
    "score desc": Sort.RELEVANCE,
    "metadata_modified desc": Sort.NEWEST,
    "title_string asc": Sort.TITLE,
    "name asc": Sort.TITLE,
}
# CKAN's state and capacity filters as the record states they keep: the portal's drafts are
# CKAN's private datasets and its drafts at once (no one but their publisher sees them).
STATE_FILTERS = {
    "state": {"active": RecordState.PUBLISHED, "draft": RecordState.DRAFT},
    "capacity": {"public": RecordState.PUBLISHED, "private": RecordState.DRAFT},
}
MAX_DRAFTS = 1000  # unpublished datasets considered per call (the newest)


@dataclass
class Filters:
    """An ``fq``'s meaning: facet values, timestamp ranges and the record states it keeps."""

    facets: dict[str, tuple[str, ...]] = field(default_factory=dict)
    ranges: dict[str, Range] = field(default_factory=dict)
    states: set[RecordState] = field(
        default_factory=lambda: {RecordState.PUBLISHED, RecordState.DRAFT}
    )


def _format_code(value: str) -> str:
    wanted = value.casefold()
    for code, term in voc.FILE_TYPES.items():
        if wanted in (code.casefold(), term.label.casefold()):
            return code
    return value


def _facet_values(
    field_name: str, values: tuple[str, ...], publishers_by_id: dict[str, str] | None
) -> tuple[str, tuple[str, ...]]:
    """The index facet and values of a CKAN field's values."""
    if field_name == "owner_org":
        by_id = publishers_by_id or {}
        return "publisher", tuple(by_id.get(v, "\x00none") for v in values)
    facet = ckan.CKAN_FACETS.get(field_name)
    if facet is None:
        supported = ", ".join(
            sorted(
                [
                    *ckan.CKAN_FACETS,
                    "owner_org",
                    *STATE_FILTERS,
                    "dataset_type",
                    "site_id",
                    *DATE_FIELDS,
                ]
            )
        )
        raise SearchQueryError(f"unknown field {field_name!r}; filter on {supported}")
    if facet == "theme":
        values = tuple(v.upper() for v in values)
    elif facet == "format":
        values = tuple(_format_code(v) for v in values)
    elif facet == "keyword":
        values = tuple(v.casefold() for v in values)
    return facet, values


def read_filters(texts: list[str]) -> Filters:
    """The meaning of the ``fq`` strings (and field queries given as ``q``)."""
    found = Filters()
    now = utcnow()
    publishers_by_id: dict[str, str] | None = None
    for text in texts:
        for clause in parse_filter(text, now):
            name, values = clause.field, clause.values
            if clause.range is not None:
                key = DATE_FIELDS[name]
                earlier = found.ranges.get(key)
                found.ranges[key] = earlier.intersect(clause.range) if earlier else clause.range
                continue
            if name == "dataset_type":
                if "dataset" not in values:
                    found.states = set()
                continue
            if name in STATE_FILTERS:
                found.states &= {STATE_FILTERS[name][v] for v in values if v in STATE_FILTERS[name]}
                continue
            if name == "site_id":
                continue
            if name == "owner_org" and publishers_by_id is None:
                publishers_by_id = {
                    str(a.id): a.slug
                    for a in db_session().exec(
                        select(Agent).where(Agent.kind == AgentKind.PUBLISHER)
                    )
                }
            facet, values = _facet_values(name, values, publishers_by_id)
            if facet in found.facets and set(found.facets[facet]) != set(values):
                raise SearchQueryError(
                    f"{name} is filtered twice; give its values once as {name}:(a OR b)"
                )
            found.facets[facet] = values
    return found


def _facet_fields(data: dict[str, Any]) -> list[str]:
    fields = params.string_list(data, "facet.field", maximum=10)
    unknown = [f for f in fields if f not in ckan.CKAN_FACETS]
    if unknown:
        raise SearchQueryError(
            f"unknown facet field {unknown[0]!r}; use " + ", ".join(ckan.CKAN_FACETS)
        )
    return list(dict.fromkeys(fields))


def _facet_display(
    name: str, value: str, titles: dict[str, str], publishers: dict[str, Agent]
) -> tuple[str, str]:
    """(CKAN facet value, display name) of an index facet value."""
    if name == "groups":
        return ckan.group_name(value), titles.get(value, value)
    if name == "res_format":
        label = voc.FILE_TYPES[value].label if value in voc.FILE_TYPES else value
        return label, label
    if name == "license_id":
        return value, voc.LICENCES[value].label if value in voc.LICENCES else value
    if name == "organization":
        agent = publishers.get(value)
        return value, ckan.cs_text(agent.name) if agent else value
    return value, value


def _search_facets(
    counted: dict[str, list[FacetCount]], fields: list[str], limit: int | None
) -> tuple[dict[str, dict[str, int]], dict[str, Any]]:
    titles = theme_titles()
    slugs = [c.value for c in counted.get("publisher", [])]
    publishers = agents_by_slug(db_session(), slugs)
    facets: dict[str, dict[str, int]] = {}
    search_facets: dict[str, Any] = {}
    for name in fields:
        counts = counted.get(ckan.CKAN_FACETS[name], [])
        if limit is not None:
            counts = counts[:limit]
        items = []
        for count in counts:
            value, display = _facet_display(name, count.value, titles, publishers)
            items.append({"name": value, "display_name": display, "count": count.count})
        facets[name] = {item["name"]: item["count"] for item in items}
        items.sort(key=lambda item: item["display_name"], reverse=True)
        search_facets[name] = {"title": name, "items": items}
    return facets, search_facets


def _merged_counts(*results: SearchResult) -> dict[str, list[FacetCount]]:
    merged: dict[str, dict[str, int]] = {}
    for result in results:
        for facet, counts in result.facets.items():
            into = merged.setdefault(facet, {})
            for count in counts:
                into[count.value] = into.get(count.value, 0) + count.count
    return {
        facet: [FacetCount(v, n) for v, n in sorted(counts.items(), key=lambda c: (-c[1], c[0]))]
        for facet, counts in merged.items()
    }


def publishers_of(slugs: tuple[str, ...]) -> list[Agent]:
    found = agents_by_slug(db_session(), slugs)
    return [agent for agent in found.values() if agent.kind == AgentKind.PUBLISHER]


def _published(query: SearchQuery) -> tuple[list[int], SearchResult]:
    """Ids of a page of published datasets and the result they come from."""
    empty = SearchResult(total=0, hits=[], facets={}, kind_counts={})
    if query.text or query.facets or set(query.filters) - {"publisher"} or query.sort is Sort.TITLE:
        result = state().search.search(query)
        return [hit.id for hit in result.hits[: query.limit]], result
    # A plain listing, newest first: the database's (state, updated_at) index answers it, the
    # search index counts it.
    session = db_session()
    publishers = publishers_of(query.filters["publisher"]) if query.filters else []
    if query.filters and not publishers:
        return [], empty
    page = batches.newest_datasets_page(
        session,
        query.limit,
        offset=query.offset,
        publisher_ids=[a.id or 0 for a in publishers],
        ranges=query.ranges,
        count=False,
    )
    total = batches.datasets_total(session, state().search, publishers, query.ranges)
    return page.ids, replace(empty, total=total)


def _readable_draft_publishers(data: dict[str, Any]) -> frozenset[int]:
    """Publishers whose unpublished datasets this call lists: asked for (``include_private``
    or ``include_drafts``) and readable with the presented token; none for anonymous calls."""
    private = params.boolean(data, "include_private", False)
    drafts = params.boolean(data, "include_drafts", False)
    use = token_use()
    return use.draft_publishers if (private or drafts) and use is not None else frozenset()


def _drafts(
    publisher_ids: frozenset[int], query: SearchQuery
) -> tuple[dict[int, DatasetView], SearchResult]:
    """The unpublished datasets of the publishers matching ``query`` (all of them, in order)."""
    session = db_session()
    ids = batches.newest_datasets_page(
        session,
        MAX_DRAFTS,
        publisher_ids=sorted(publisher_ids),
        state=RecordState.DRAFT,
        count=False,
    ).ids
    views = {
        v.dataset.id or 0: v
        for v in batches.dataset_views(session, ids, states=(RecordState.DRAFT,))
    }
    documents = [dataset_document(v.dataset, v.publisher, v.distributions) for v in views.values()]
    return views, search_documents(documents, replace(query, offset=0, limit=len(documents)))


@action()
def package_search(data: dict[str, Any]) -> dict[str, Any]:
    """Search datasets: q, fq, fq_list, facet.field, facet.limit, rows (at most 1000), start,
    sort (score desc, metadata_modified desc | metadata_modified desc | name asc |
    title_string asc), include_private and include_drafts (the unpublished datasets the API
    token's user may see, listed first). fq understands organization, owner_org, groups, tags,
    res_format and license_id as field:value, field:"value" or field:(a OR b), date ranges
    such as metadata_modified:[2024-01-01T00:00:00Z TO NOW] or
    metadata_created:{NOW-7DAYS TO *] (Solr's date math: NOW-1DAY, NOW/DAY), state and
    capacity, joined by AND."""
    q = params.text(data, "q").strip()
    fq_texts = [params.text(data, "fq"), *params.string_list(data, "fq_list", maximum=20)]
    if q in ("*:*", "*"):
        q = ""
    elif looks_like_field_query(q):
        fq_texts.append(q)
        q = ""
    rows = params.integer(data, "rows", 10, maximum=ROWS_MAX, clamp=True) or 0
    start = params.integer(data, "start", 0, maximum=1_000_000) or 0
    sort_text = " ".join(params.text(data, "sort", DEFAULT_SORT).split()) or DEFAULT_SORT
    if sort_text not in SORTS:
        raise SearchQueryError(
            f"sort {sort_text[:80]!r} is not supported; use one of " + " | ".join(SORTS)
        )
    want_facets = params.boolean(data, "facet", True)
    facet_fields = _facet_fields(data) if want_facets else []
    facet_limit = params.integer(data, "facet.limit", 50, minimum=-1, maximum=1000)
    facet_limit = None if facet_limit in (-1, None) else facet_limit
    draft_publishers = _readable_draft_publishers(data)
    found = read_filters([t for t in fq_texts if t.strip()])
    query = SearchQuery(
        text=q,
        kinds=("dataset",),
        filters=found.facets,
        ranges=found.ranges,
        facets=tuple(ckan.CKAN_FACETS[f] for f in facet_fields),
        sort=SORTS[sort_text],
        offset=start,
        limit=rows,
        snippets=False,
    )
    draft_views: dict[int, DatasetView] = {}
    drafts = SearchResult(total=0, hits=[], facets={}, kind_counts={})
    if draft_publishers and RecordState.DRAFT in found.states:
        draft_views, drafts = _drafts(draft_publishers, query)
    draft_page = [draft_views[hit.id] for hit in drafts.hits[start : start + rows]]
    ids: list[int] = []
    published = SearchResult(total=0, hits=[], facets={}, kind_counts={})
    if RecordState.PUBLISHED in found.states:
        ids, published = _published(
            replace(query, offset=max(0, start - drafts.total), limit=rows - len(draft_page))
        )
    results = (packages(draft_page) if draft_page else []) + rendered_datasets(
        "ckan", ids, packages
    )
    facets, search_facets = (
        _search_facets(_merged_counts(drafts, published), facet_fields, facet_limit)
        if facet_fields
        else ({}, {})
    )
    return {
        "count": drafts.total + published.total,
        "results": results,
        "sort": sort_text,
        "facets": facets,
        "search_facets": search_facets,
    }
