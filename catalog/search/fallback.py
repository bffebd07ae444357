"""A plain database search for when the search index is down: published datasets and objects
whose title contains every word, newest first. No typo tolerance, folding or facets — the page
says so — but never an error page because a derived store is missing."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import String, cast, func
from sqlmodel import Session, col, select

from catalog.batches import timestamp_conditions
from catalog.models import Agent, CollectionObject, Dataset, RecordState
from catalog.search.analysis import words
from catalog.search.base import Hit, SearchQuery, SearchResult

MAX_WORDS = 6


def _json_fragment(word: str) -> str:
    """How ``word`` appears inside a JSON column's text (non-ASCII letters are escaped), with
    LIKE's wildcards escaped."""
    escaped = json.dumps(word.casefold())[1:-1]
    return escaped.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _title_matches(column: Any, text: str) -> list[Any]:
    return [func.lower(cast(column, String)).like(f"%{_json_fragment(w)}%", escape="\\")
            for w in words(text)[:MAX_WORDS]]


def database_search(session: Session, query: SearchQuery) -> SearchResult:
    """Datasets and objects (as ``query.kinds`` allow) whose titles contain the query's words;
    filters on publisher and institution and the ranges are honoured, other facets ignored."""
    kinds = [k for k in (query.kinds or ("dataset", "object")) if k in ("dataset", "object")]
    results: list[tuple[str, Any]] = []
    kind_counts: dict[str, int] = {}
    for kind in ("dataset", "object"):
        model: Any = Dataset if kind == "dataset" else CollectionObject
        conditions = [model.state == RecordState.PUBLISHED,
                      *_title_matches(model.title, query.text)]
        conditions.extend(timestamp_conditions(model, query.ranges))
        owners = query.filters.get("publisher" if kind == "dataset" else "institution")
        if owners:
            owner_column = Dataset.publisher_id if kind == "dataset" else \
                CollectionObject.institution_id
            conditions.append(col(owner_column).in_(
                select(Agent.id).where(col(Agent.slug).in_(owners))))
        count = session.exec(select(func.count()).select_from(model).where(*conditions)).one()
        kind_counts[kind] = count
        if kind in kinds and count:
            rows = session.exec(select(model).where(*conditions).order_by(
                col(model.updated_at).desc(), col(model.id).desc())
                .limit(query.offset + query.limit)).all()
            results.extend((kind, row) for row in rows)
    results.sort(key=lambda item: item[1].updated_at, reverse=True)
    page = results[query.offset:query.offset + query.limit]
    hits = [Hit(kind=kind, id=row.id or 0, url_key=row.slug if kind == "dataset" else str(row.id),
                title=row.title, description=row.description, snippet="", facets={})
            for kind, row in page]
    total = sum(kind_counts.get(k, 0) for k in kinds)
    return SearchResult(total=total, hits=hits, facets={f: [] for f in query.facets},
                        kind_counts={k: n for k, n in kind_counts.items() if n})
