"""The Meilisearch backend of the search interface, on the official ``meilisearch`` client.

Index settings, documents and query translation are pure functions (unit-tested without a
server); ``MeilisearchIndex`` only moves them over HTTP. Writes wait for Meilisearch's task to
succeed, so the outbox is emptied only after the index really has the change. Czech is analysed
by ``analysis`` on both sides, as on the embedded index: documents carry analysed ``*_norm``
fields (folded words and their lemmas), queries are sent as their analysed words, and the
synonyms and stop words are analysed the same way; Meilisearch adds its own typo tolerance and
prefix matching. Snippets are highlighted by ``analysis.highlight`` like the embedded index's.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

import meilisearch
from meilisearch.errors import MeilisearchError

from catalog.search.analysis import (
    STOP_WORDS,
    QueryPlan,
    Synonyms,
    fold,
    highlight,
    index_text,
    plan_query,
)
from catalog.search.base import (
    FACETS,
    RANGES,
    FacetCount,
    Hit,
    SearchDocument,
    SearchQuery,
    SearchResult,
    SearchUnavailable,
    Sort,
    timestamp_number,
)

PRIMARY_KEY = "uid"
TASK_TIMEOUT_MS = 120_000
MAX_HITS = 100_000
FACET_VALUES = 50


class WriterLock(Protocol):
    def hold(self, *, wait: bool) -> AbstractContextManager[bool]: ...


SEARCHABLE = ["title_norm", "keywords_norm", "description_norm", "extra_norm"]


def index_settings(synonyms: Synonyms | None = None) -> dict[str, Any]:
    """The index settings: searchable attributes in ranking order, filters, sorts, limits,
    typo tolerance as Meilisearch's defaults, analysed synonyms and stop words."""
    return {
        "searchableAttributes": SEARCHABLE,
        "filterableAttributes": ["kind", *FACETS, *RANGES],
        "sortableAttributes": ["sort_title", "modified"],
        "displayedAttributes": ["*"],
        "rankingRules": ["words", "typo", "proximity", "attribute", "sort", "exactness"],
        "pagination": {"maxTotalHits": MAX_HITS},
        "faceting": {"maxValuesPerFacet": FACET_VALUES * 2, "sortFacetValuesBy": {"*": "count"}},
        "typoTolerance": {"enabled": True,
                          "minWordSizeForTypos": {"oneTypo": 5, "twoTypos": 9}},
        "synonyms": synonyms.as_pairs() if synonyms else {},
        "stopWords": sorted({fold(word) for word in STOP_WORDS}),
    }


def document_uid(key: str) -> str:
    """Meilisearch ids allow letters, digits, ``-`` and ``_``: ``dataset:12`` → ``dataset-12``."""
    return key.replace(":", "-")


def to_document(doc: SearchDocument) -> dict[str, Any]:
    """The Meilisearch document of ``doc``."""
    document: dict[str, Any] = {
        PRIMARY_KEY: document_uid(doc.key), "key": doc.key, "kind": doc.kind, "id": doc.id,
        "url_key": doc.url_key, "title": dict(doc.title), "description": dict(doc.description),
        "title_text": " ".join(doc.title.values()), "keywords": list(doc.keywords),
        "description_text": " ".join(doc.description.values()), "extra": doc.text,
        "title_norm": index_text(*doc.title.values()),
        "keywords_norm": index_text(*doc.keywords),
        "description_norm": index_text(*doc.description.values()),
        "extra_norm": index_text(doc.text),
        "sort_title": doc.sort_title, "modified": doc.modified,
        "version": doc.version, "facets": {k: list(v) for k, v in doc.facets.items()},
    }
    for facet in FACETS:
        document[facet] = list(doc.facets.get(facet, ()))
    for name in RANGES:  # microseconds since 1970, compared as numbers by the filters
        stamp = getattr(doc, name)
        if stamp is not None:
            document[name] = timestamp_number(stamp)
    return document


def quote(value: str) -> str:
    """A filter string literal: every value is quoted, so none can inject filter syntax.
    Meilisearch's filter parser unescapes only ``\\"``, so quotes are escaped and backslashes,
    which no facet value of ours contains, are dropped (a trailing one would escape the quote)."""
    return '"' + value.replace("\\", "").replace('"', '\\"') + '"'



def filter_expression(query: SearchQuery, *, with_kinds: bool,
                      without: str | None = None) -> list[str | list[str]]:
    """AND of facets, OR within a facet, as Meilisearch's array filter syntax (``without``
    leaves one facet's own filter out, for its disjunctive counts)."""
    expression: list[str | list[str]] = []
    if with_kinds and query.kinds:
        expression.append([f"kind = {quote(kind)}" for kind in query.kinds])
    for facet, values in sorted(query.filters.items()):
        if facet not in FACETS:
            raise ValueError(f"unknown facet {facet!r}")
        if values and facet != without:
            expression.append([f"{facet} = {quote(value)}" for value in values])
    for name, bounds in sorted(query.ranges.items()):
        if name not in RANGES:
            raise ValueError(f"unknown range {name!r}")
        low, high = bounds.bounds()  # integers: nothing of the caller's reaches the filter
        if low is not None:
            expression.append(f"{name} >= {low:d}")
        if high is not None:
            expression.append(f"{name} <= {high:d}")
    return expression


def query_text(query: SearchQuery, plan: QueryPlan | None = None) -> str:
    """The analysed words of the query as Meilisearch's ``q``: each word's lemma when the
    dictionary knows it, else the word as typed; a trailing space keeps Meilisearch from
    matching the last word as a prefix, as the user has finished it."""
    plan = plan if plan is not None else plan_query(query.text)
    if plan.empty:
        return ""
    text = plan.text(0)
    return text + " " if not plan.alternatives[0][-1].prefix else text


def search_params(query: SearchQuery, plan: QueryPlan | None = None) -> dict[str, Any]:
    """The body of the search request for ``query`` (exhaustive totals: page mode)."""
    limit = max(1, query.limit)
    text = query_text(query, plan)
    params: dict[str, Any] = {
        "q": text,
        "filter": filter_expression(query, with_kinds=True),
        "facets": list(query.facets),
        "hitsPerPage": limit,
        "page": query.offset // limit + 1,
        "attributesToRetrieve": ["kind", "id", "url_key", "title", "description", "facets"],
    }
    if query.sort is Sort.NEWEST or (query.sort is Sort.RELEVANCE and not text.strip()):
        params["sort"] = ["modified:desc"]
    elif query.sort is Sort.TITLE:
        params["sort"] = ["sort_title:asc"]
    return params


def disjunctive_facets(query: SearchQuery) -> list[str]:
    """The requested facets that are also filtered: each is counted by a query of its own
    without its own filter."""
    return [facet for facet in query.facets if query.filters.get(facet)]


def facet_count_params(query: SearchQuery, facet: str) -> dict[str, Any]:
    return {"q": query_text(query),
            "filter": filter_expression(query, with_kinds=True, without=facet),
            "facets": [facet], "hitsPerPage": 0, "page": 1}


def kind_count_params(query: SearchQuery) -> dict[str, Any]:
    """A count-only request for the per-kind totals, before the kind filter."""
    return {"q": query_text(query), "filter": filter_expression(query, with_kinds=False),
            "facets": ["kind"], "hitsPerPage": 0, "page": 1}


def _snippet(hit: Mapping[str, Any], plan: QueryPlan) -> str:
    for field in ("description", "title"):
        texts = hit.get(field) or {}
        snippet = highlight(texts.get("cs") or next(iter(texts.values()), ""), plan)
        if snippet:
            return snippet
    return ""


def to_result(response: Mapping[str, Any], counts: Mapping[str, Any],
              facets: Sequence[str],
              own_counts: Mapping[str, Mapping[str, Any]] | None = None,
              plan: QueryPlan | None = None) -> SearchResult:
    """Our result from Meilisearch's responses (``own_counts``: a filtered facet's response
    from ``facet_count_params``; ``plan``: the query's, for the snippets)."""
    plan = plan if plan is not None else QueryPlan(())
    hits = [Hit(kind=h["kind"], id=int(h["id"]), url_key=h["url_key"], title=h["title"],
                description=h["description"], snippet=_snippet(h, plan),
                facets=h.get("facets", {}))
            for h in response.get("hits", [])]
    own_counts = own_counts or {}

    def distribution(facet: str) -> Mapping[str, int]:
        source = own_counts.get(facet, response)
        return (source.get("facetDistribution") or {}).get(facet) or {}

    facet_counts = {
        facet: sorted((FacetCount(value, count) for value, count in distribution(facet).items()),
                      key=lambda c: (-c.count, c.value))[:FACET_VALUES]
        for facet in facets
    }
    kinds = (counts.get("facetDistribution") or {}).get("kind") or {}
    return SearchResult(total=int(response.get("totalHits", 0)), hits=hits,
                        facets=facet_counts, kind_counts=dict(kinds))


class MeilisearchIndex:
    """``SearchIndex`` on a Meilisearch server; the writer role is ``lock`` (a PostgreSQL
    advisory lock in production, so web workers on several hosts and CLI jobs take turns)."""

    def __init__(self, url: str, api_key: str | None, index_uid: str, lock: WriterLock,
                 *, timeout: int = 10, synonyms: Synonyms | None = None) -> None:
        self.client = meilisearch.Client(url, api_key, timeout=timeout)
        self.synonyms = synonyms
        self.index_uid = index_uid
        self.lock = lock
        self._configured = False

    @property
    def _index(self) -> Any:
        return self.client.index(self.index_uid)

    def _wait(self, task: Any) -> None:
        try:
            result = self.client.wait_for_task(task.task_uid, timeout_in_ms=TASK_TIMEOUT_MS)
        except MeilisearchError as exc:  # includes MeilisearchTimeoutError
            raise SearchUnavailable(f"Meilisearch task {task.task_uid}: {exc}") from exc
        if result.status != "succeeded":
            raise SearchUnavailable(f"Meilisearch task {task.task_uid} {result.status}: "
                                    f"{result.error}")

    def _call(self, action: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return getattr(self._index, action)(*args, **kwargs)
        except MeilisearchError as exc:
            raise SearchUnavailable(f"Meilisearch {action} failed: {exc}") from exc

    def configure(self) -> None:
        """Create the index with its primary key and apply ``index_settings()``."""
        if self._configured:
            return
        try:
            self._wait(self.client.create_index(self.index_uid, {"primaryKey": PRIMARY_KEY}))
        except (MeilisearchError, SearchUnavailable):
            pass  # it exists already
        self._wait(self._call("update_settings", index_settings(self.synonyms)))
        self._configured = True

    def writer(self, *, wait: bool) -> AbstractContextManager[bool]:
        return self.lock.hold(wait=wait)

    def upsert(self, documents: Sequence[SearchDocument]) -> None:
        if documents:
            self.configure()
            self._wait(self._call("add_documents", [to_document(d) for d in documents],
                                  PRIMARY_KEY))

    def delete(self, keys: Sequence[str]) -> None:
        if keys:
            self.configure()
            self._wait(self._call("delete_documents", [document_uid(k) for k in keys]))

    def clear(self) -> None:
        self.configure()
        self._wait(self._call("delete_all_documents"))

    def ping(self) -> None:
        try:
            self.client.health()
            self._index.fetch_info()
        except MeilisearchError as exc:
            raise SearchUnavailable(f"Meilisearch is not answering: {exc}") from exc

    def versions(self) -> Iterator[tuple[str, str]]:
        offset = 0
        while True:
            page = self._call("get_documents", {"offset": offset, "limit": 1000,
                                                "fields": ["key", "version"]})
            results = page.results
            for document in results:
                item = document if isinstance(document, Mapping) else dict(document)
                yield str(item["key"]), str(item["version"])
            if len(results) < 1000:
                return
            offset += 1000

    def search(self, query: SearchQuery) -> SearchResult:
        own = disjunctive_facets(query)
        plan = plan_query(query.text)
        requests = [search_params(query, plan), kind_count_params(query),
                    *(facet_count_params(query, facet) for facet in own)]
        try:
            responses = self.client.multi_search(
                [{"indexUid": self.index_uid, **request} for request in requests])["results"]
        except MeilisearchError as exc:
            raise SearchUnavailable(f"Meilisearch search failed: {exc}") from exc
        return to_result(responses[0], responses[1], query.facets,
                         dict(zip(own, responses[2:], strict=True)),
                         plan if query.snippets else None)
