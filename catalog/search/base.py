"""The search-index interface every backend implements, and its value types.

Backends: ``tantivy_index.TantivyIndex`` (no service; the default) and ``meili.MeilisearchIndex``;
``embedded.SqliteFtsIndex`` is the earlier FTS5 backend, kept for comparison. Kinds and facets
only ever grow: a backend indexes any facet listed here.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Protocol

# Facets a query may ask for or filter on; anything else is refused by the caller.
FACETS = ("theme", "publisher", "format", "licence", "keyword", "institution", "object_type",
          "area", "material", "period", "place", "maker")
KINDS = ("dataset", "object", "publisher", "institution", "location")

# Highlight markers in snippets: control characters no indexed text contains; the web layer
# escapes the snippet first, then turns these into <mark> tags.
MARK_START = "\x02"
MARK_END = "\x03"


class SearchUnavailable(Exception):
    """The search backend cannot answer (missing, locked, corrupt, down)."""


class Sort(enum.StrEnum):
    RELEVANCE = "relevance"
    NEWEST = "newest"
    TITLE = "title"


@dataclass(frozen=True)
class SearchDocument:
    """What the index holds for one record: text to match, facets, sort keys and what a result
    list shows without another database read."""

    kind: str
    id: int
    url_key: str
    title: Mapping[str, str]
    description: Mapping[str, str]
    keywords: Sequence[str]
    text: str
    facets: Mapping[str, Sequence[str]]
    sort_title: str
    modified: str
    version: str

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    kinds: tuple[str, ...] = ()
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    facets: tuple[str, ...] = ()
    sort: Sort = Sort.RELEVANCE
    offset: int = 0
    limit: int = 20


@dataclass(frozen=True)
class Hit:
    kind: str
    id: int
    url_key: str
    title: Mapping[str, str]
    description: Mapping[str, str]
    snippet: str
    facets: Mapping[str, Sequence[str]]


@dataclass(frozen=True)
class FacetCount:
    value: str
    count: int


@dataclass(frozen=True)
class SearchResult:
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetCount]]
    kind_counts: dict[str, int]


class SearchIndex(Protocol):
    """A full-text index of catalog records. Writes come only from the outbox drainer, which
    holds ``writer()``; reads may come from any process at any time."""

    def upsert(self, documents: Sequence[SearchDocument]) -> None: ...

    def delete(self, keys: Sequence[str]) -> None: ...

    def search(self, query: SearchQuery) -> SearchResult: ...

    def versions(self) -> Iterator[tuple[str, str]]:
        """Every (key, version) the index holds, for drift checks."""
        ...

    def clear(self) -> None: ...

    def ping(self) -> None:
        """Raise ``SearchUnavailable`` when the index cannot serve queries."""
        ...

    def writer(self, *, wait: bool) -> AbstractContextManager[bool]:
        """Hold the single writer role; yields False when ``wait`` is off and another
        process has it."""
        ...
