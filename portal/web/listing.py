"""The search listing shared by /search, /datasets, /objects and the publisher, theme and
institution pages: runs the query and labels facets for display."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, replace

from flask_babel import get_locale, get_translations
from werkzeug.exceptions import NotFound

from catalog import queries
from catalog import vocabularies as voc
from catalog.models import Agent, AgentKind
from catalog.search.analysis import highlight, plan_query
from catalog.search.base import FacetCount, SearchQuery, SearchResult, SearchUnavailable, Sort
from catalog.search.fallback import database_search
from portal.i18n import LocalText, local_text
from portal.state import db_session, state
from portal.web.params import InvalidParameter, ListingParams

log = logging.getLogger(__name__)
DATASET_FACETS = ("theme", "publisher", "format", "licence", "keyword", "area")
OBJECT_FACETS = ("institution", "object_type", "material", "period", "place", "maker")
FACET_VALUES_SHOWN = 12  # per facet, the most frequent first: only these are labelled
AGENT_FACETS = {"publisher": AgentKind.PUBLISHER, "institution": AgentKind.INSTITUTION}


@dataclass(frozen=True)
class FacetEntry:
    value: str
    label: str
    count: int
    selected: bool
    lang: str = ""  # the label's language when it fell back from the page's (marked up)


@dataclass(frozen=True)
class Listing:
    params: ListingParams
    result: SearchResult | None
    facets: dict[str, list[FacetEntry]]
    page_size: int
    unavailable: bool  # the index is down: ``result`` is a plain database search

    @property
    def pages(self) -> int:
        if self.result is None:
            return 0
        return max(1, -(-self.result.total // self.page_size))


def run_listing(params: ListingParams, *, kinds: tuple[str, ...],
                fixed: dict[str, tuple[str, ...]] | None = None,
                known: Iterable[Agent] = ()) -> Listing:
    """Search ``kinds`` with the page's parameters plus ``fixed`` filters (a publisher page's
    own publisher, say); ``known`` agents (that page's publisher) are not read again."""
    settings = state().settings
    facet_names = (DATASET_FACETS if "dataset" in kinds else ()) + (
        OBJECT_FACETS if "object" in kinds else ())
    filters = {**params.filters, **(fixed or {})}
    sort = params.sort or (Sort.RELEVANCE if params.text else Sort.NEWEST)
    query = SearchQuery(text=params.text, kinds=(params.kind,) if params.kind else kinds,
                        filters=filters, facets=facet_names, sort=sort,
                        offset=(params.page - 1) * settings.page_size, limit=settings.page_size)
    unavailable = False
    try:
        result = state().search.search(query)
    except SearchUnavailable as exc:
        log.warning("search unavailable, answering from the database: %s", exc)
        result = database_search(db_session(), query)
        unavailable = True
    shown = {name: counts[:FACET_VALUES_SHOWN] for name, counts in result.facets.items()}
    agents = _check_agents(params, shown, {a.slug: a for a in known})
    if params.page > 1 and query.offset >= result.total:
        raise NotFound(f"page {params.page} is past the last page of results")
    result = _snippets_in_page_language(result, params.text)
    return Listing(params, result, _label_facets(shown, filters, agents),
                   settings.page_size, unavailable)


def _snippets_in_page_language(result: SearchResult, text: str) -> SearchResult:
    """The backends highlight the Czech text; a page in another language shows its own."""
    locale = str(get_locale() or "cs")
    if locale == "cs" or not text:
        return result
    plan = plan_query(text)
    hits = []
    for hit in result.hits:
        own = hit.description.get(locale) or hit.title.get(locale)
        snippet = highlight(own, plan) if own else ""
        hits.append(replace(hit, snippet=snippet or hit.snippet) if own else hit)
    return replace(result, hits=hits)


def _check_agents(params: ListingParams, shown: dict[str, list[FacetCount]],
                  known: dict[str, Agent]) -> dict[str, Agent]:
    """A publisher or institution filter must name one that exists. The agents it names and
    those of the facet values shown are read together, in one query (the ``known`` ones not
    again), for the facet labels. (Checked after the search: an unknown one matches nothing.)"""
    named = {v for facet in AGENT_FACETS for v in params.filters.get(facet, ())}
    labelled = {c.value for name in AGENT_FACETS for c in shown.get(name, [])}
    known = {**known, **queries.agents_by_slug(db_session(), (named | labelled) - set(known))}
    for facet, kind in AGENT_FACETS.items():
        values = params.filters.get(facet, ())
        unknown = [v for v in values if v not in known or known[v].kind != kind]
        if unknown:
            raise InvalidParameter(facet, f"unknown value {unknown[0]!r}")
    return known


def _label_facets(shown: dict[str, list[FacetCount]], filters: dict[str, tuple[str, ...]],
                  agents: dict[str, Agent]) -> dict[str, list[FacetEntry]]:
    """The values shown of each facet with their labels in the page's language (the
    translations are looked up once, not per label)."""
    translate = get_translations().ugettext

    def label(name: str, value: str) -> str | LocalText:
        if name == "theme" and value in voc.THEMES:
            return translate(voc.THEMES[value].label)
        if name == "format" and value in voc.FILE_TYPES:
            return translate(voc.FILE_TYPES[value].label)
        if name == "licence" and value in voc.LICENCES:
            return voc.LICENCES[value].label
        if name in AGENT_FACETS and value in agents:
            return local_text(agents[value].name)
        if name == "area":
            return voc.ruian_label(voc.RUIAN_BASE + value)
        if name == "period":
            return value.replace("-", "–", 1) if not value.startswith("-") else \
                "−" + value[1:].replace("-", "–", 1).replace("–-", "–−")
        return value

    def entry(name: str, count: FacetCount) -> FacetEntry:
        text = label(name, count.value)
        lang = text.lang if isinstance(text, LocalText) and text.fallback else ""
        return FacetEntry(count.value, str(text), count.count,
                          count.value in filters.get(name, ()), lang)

    return {name: [entry(name, c) for c in counts] for name, counts in shown.items()}
