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
from datetime import UTC, datetime, timedelta
from typing import Protocol

# Facets a query may ask for or filter on; anything else is refused by the caller.
FACETS = ("theme", "publisher", "format", "licence", "keyword", "institution", "object_type",
          "area", "material", "period", "place", "maker")
KINDS = ("dataset", "object", "publisher", "institution", "location", "reuse")
# Record timestamps a query may bound by a range: when the record was created, last changed.
RANGES = ("created", "updated")
_EPOCH = datetime(1970, 1, 1)

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
    created: datetime | None = None  # the record's timestamps (naive UTC), for ranges
    updated: datetime | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"


def timestamp_number(value: datetime) -> int:
    """A naive-UTC timestamp as microseconds since 1970: how every backend indexes the record
    timestamps (exact in Meilisearch's 64-bit floats until the year 2255)."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return (value - _EPOCH) // timedelta(microseconds=1)


@dataclass(frozen=True)
class Range:
    """Bounds on a record timestamp (naive UTC); None leaves that side open."""

    low: datetime | None = None
    high: datetime | None = None
    include_low: bool = True
    include_high: bool = True

    def bounds(self) -> tuple[int | None, int | None]:
        """The inclusive bounds as ``timestamp_number``s (an exclusive side moves by 1 µs)."""
        low = None if self.low is None else \
            timestamp_number(self.low) + (0 if self.include_low else 1)
        high = None if self.high is None else \
            timestamp_number(self.high) - (0 if self.include_high else 1)
        return low, high

    def intersect(self, other: Range) -> Range:
        """The range of the values both ranges hold (two filters on one field)."""
        low = max((self, other), key=lambda r: (r.bounds()[0] is not None, r.bounds()[0] or 0))
        high = min((self, other), key=lambda r: (r.bounds()[1] is None, r.bounds()[1] or 0))
        return Range(low.low, high.high, low.include_low, high.include_high)

    def __contains__(self, value: object) -> bool:
        if not isinstance(value, datetime):
            return False
        low, high = self.bounds()
        number = timestamp_number(value)
        return (low is None or number >= low) and (high is None or number <= high)


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    kinds: tuple[str, ...] = ()
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    ranges: Mapping[str, Range] = field(default_factory=dict)  # keys from RANGES; AND
    facets: tuple[str, ...] = ()
    sort: Sort = Sort.RELEVANCE
    offset: int = 0
    limit: int = 20
    snippets: bool = True  # highlighted snippets in the hits (the APIs of records need none)


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
