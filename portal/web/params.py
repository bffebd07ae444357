"""Parsing of query-string parameters of listing pages: unknown parameters are ignored, invalid
values of known ones are refused with a 400 that says which and why."""

from __future__ import annotations

import re
from dataclasses import dataclass

from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest

from catalog import vocabularies as voc
from catalog.search.base import FACETS, Sort

MAX_QUERY = 500
MAX_PAGE = 10_000
MAX_FILTER_VALUES = 20
# Facets whose values come from a closed vocabulary, so an unknown value is an error.
CLOSED_FACETS = {"theme": voc.THEMES, "format": voc.FILE_TYPES, "licence": voc.LICENCES}


@dataclass(frozen=True)
class ListingParams:
    text: str
    page: int
    sort: Sort | None
    filters: dict[str, tuple[str, ...]]
    kind: str | None


class InvalidParameter(BadRequest):
    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name}: {message}")
        self.parameter = name


def clean_text(value: str) -> str:
    """``value`` without control or other unprintable characters, trimmed at the start."""
    return "".join(ch for ch in value if ch.isprintable()).lstrip()


def _clean(value: str) -> str:
    return clean_text(value).strip()


def parse_listing(args: MultiDict[str, str], *, kinds: tuple[str, ...] = ()) -> ListingParams:
    text = _clean(args.get("q", ""))
    if len(text) > MAX_QUERY:
        raise InvalidParameter("q", f"at most {MAX_QUERY} characters")
    raw_page = args.get("page", "1")
    if not re.fullmatch(r"[0-9]{1,9}", raw_page) or not 1 <= int(raw_page) <= MAX_PAGE:
        raise InvalidParameter("page", f"must be a whole number from 1 to {MAX_PAGE}")
    raw_sort = args.get("sort")
    sort = None
    if raw_sort:
        try:
            sort = Sort(raw_sort)
        except ValueError:
            raise InvalidParameter("sort", "must be relevance, newest or title") from None
    filters: dict[str, tuple[str, ...]] = {}
    for facet in FACETS:
        values = tuple(dict.fromkeys(_clean(v) for v in args.getlist(facet) if _clean(v)))
        if not values:
            continue
        if len(values) > MAX_FILTER_VALUES:
            raise InvalidParameter(facet, f"at most {MAX_FILTER_VALUES} values")
        vocabulary = CLOSED_FACETS.get(facet)
        if vocabulary is not None:
            unknown = [v for v in values if v not in vocabulary]
            if unknown:
                raise InvalidParameter(facet, f"unknown value {unknown[0]!r}")
        filters[facet] = values
    kind = (args.get("kind") or None) if kinds else None  # a parameter only /search knows
    if kind is not None and kind not in kinds:
        raise InvalidParameter("kind", f"must be one of {', '.join(kinds)}")
    return ListingParams(text=text, page=int(raw_page), sort=sort, filters=filters, kind=kind)
