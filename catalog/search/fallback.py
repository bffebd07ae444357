"""A plain database search for when the search index is down: published datasets, objects and
reuses whose title contains every word, newest first. No typo tolerance, folding or facets —
the page says so — but never an error page because a derived store is missing."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import String, cast, func
from sqlmodel import Session, col, select

from catalog.batches import timestamp_conditions
from catalog.models import Agent, CollectionObject, Dataset, RecordState
from catalog.reuses.models import Reuse, ReuseStatus
from catalog.search.analysis import words
from catalog.search.base import Hit, SearchQuery, SearchResult

MAX_WORDS = 6
KINDS = ("dataset", "object", "reuse")  # the kinds the database search finds


def _json_fragment(word: str) -> str:
    """How ``word`` appears inside a JSON column's text (non-ASCII letters are escaped), with
    LIKE's wildcards escaped."""
    return _like(json.dumps(word.casefold())[1:-1])


def _title_matches(column: Any, text: str) -> list[Any]:
    return [func.lower(cast(column, String)).like(f"%{_json_fragment(w)}%", escape="\\")
            for w in words(text)[:MAX_WORDS]]


def _like(text: str) -> str:
    """``text`` with LIKE's wildcards (and its escape character) escaped."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _record_conditions(kind: str, query: SearchQuery) -> list[Any]:
    """A published dataset or object matching the query's words, owner filter and ranges."""
    model: Any = Dataset if kind == "dataset" else CollectionObject
    conditions = [model.state == RecordState.PUBLISHED, *_title_matches(model.title, query.text)]
    conditions.extend(timestamp_conditions(model, query.ranges))
    owners = query.filters.get("publisher" if kind == "dataset" else "institution")
    if owners:
        owner_column = Dataset.publisher_id if kind == "dataset" else \
            CollectionObject.institution_id
        conditions.append(col(owner_column).in_(
            select(Agent.id).where(col(Agent.slug).in_(owners))))
    return conditions


def _reuse_conditions(query: SearchQuery) -> list[Any] | None:
    """A published reuse whose (plain text) title holds the query's words; None when the query
    filters on a facet, which no reuse has."""
    if any(query.filters.values()):
        return None
    return [Reuse.status == ReuseStatus.PUBLISHED,
            *(func.lower(Reuse.title).like(f"%{_like(w.casefold())}%", escape="\\")
              for w in words(query.text)[:MAX_WORDS]),
            *timestamp_conditions(Reuse, query.ranges)]


def _hit(kind: str, row: Any) -> Hit:
    if kind == "reuse":
        return Hit(kind=kind, id=row.id or 0, url_key=str(row.id), title={row.language: row.title},
                   description={row.language: row.description}, snippet="", facets={})
    return Hit(kind=kind, id=row.id or 0, url_key=row.slug if kind == "dataset" else str(row.id),
               title=row.title, description=row.description, snippet="", facets={})


def database_search(session: Session, query: SearchQuery) -> SearchResult:
    """Datasets, objects and published reuses (as ``query.kinds`` allow) whose titles contain
    the query's words; filters on publisher and institution and the ranges are honoured, other
    facets ignored (a reuse, which has none, does not match a filtered query)."""
    kinds = [k for k in (query.kinds or KINDS) if k in KINDS]
    results: list[tuple[str, Any]] = []
    kind_counts: dict[str, int] = {}
    for kind in KINDS:
        model: Any = {"dataset": Dataset, "object": CollectionObject, "reuse": Reuse}[kind]
        conditions = (_reuse_conditions(query) if kind == "reuse"
                      else _record_conditions(kind, query))
        if conditions is None:
            continue
        count = session.exec(select(func.count()).select_from(model).where(*conditions)).one()
        kind_counts[kind] = count
        if kind in kinds and count:
            rows = session.exec(select(model).where(*conditions).order_by(
                col(model.updated_at).desc(), col(model.id).desc())
                .limit(query.offset + query.limit)).all()
            results.extend((kind, row) for row in rows)
    results.sort(key=lambda item: item[1].updated_at, reverse=True)
    page = results[query.offset:query.offset + query.limit]
    total = sum(kind_counts.get(k, 0) for k in kinds)
    return SearchResult(total=total, hits=[_hit(kind, row) for kind, row in page],
                        facets={f: [] for f in query.facets},
                        kind_counts={k: n for k, n in kind_counts.items() if n})
