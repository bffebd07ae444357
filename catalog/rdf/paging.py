"""Pages of the DCAT catalog endpoint (ckanext-dcat conventions): which datasets a page holds,
newest change first, optionally narrowed by a search and by ``modified_since``; and the Hydra
paging node with both the current and the older predicates harvesters still read."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD
from sqlmodel import Session, col, select

from catalog.models import Dataset
from catalog.rdf.dcat_ap_3 import Triple
from catalog.rdf.namespaces import HYDRA
from catalog.rdf.queries import published_ids
from catalog.search.base import SearchIndex, SearchQuery, Sort

PAGE_SIZE = 100
SEARCH_BATCH = 1000


@dataclass(frozen=True)
class CatalogPage:
    ids: list[int]
    total: int
    page: int
    page_size: int

    @property
    def last_page(self) -> int:
        return max(1, -(-self.total // self.page_size))


class PageOutOfRange(LookupError):
    """A page past the last one was asked for."""


def select_page(session: Session, search: SearchIndex | None, *, page: int,
                text: str = "", filters: Mapping[str, Sequence[str]] | None = None,
                modified_since: datetime | None = None,
                page_size: int = PAGE_SIZE) -> CatalogPage:
    """The ids of the datasets on ``page``. Without a search, from the database (newest
    change first); with one, from the index in its order, then ``modified_since``."""
    if text or filters:
        assert search is not None, "a search needs the index"
        ids = _search_ids(search, text, dict(filters or {}))
        if modified_since is not None:
            recent = set(published_ids(session, modified_since=modified_since))
            ids = [i for i in ids if i in recent]
    else:
        ids = published_ids(session, modified_since=modified_since)
    result = CatalogPage(ids=[], total=len(ids), page=page, page_size=page_size)
    if page > result.last_page:
        raise PageOutOfRange(f"page {page} is past the last page ({result.last_page})")
    start = (page - 1) * page_size
    return CatalogPage(ids=ids[start:start + page_size], total=len(ids), page=page,
                       page_size=page_size)


def _search_ids(search: SearchIndex, text: str, filters: dict[str, Sequence[str]]) -> list[int]:
    ids: list[int] = []
    offset = 0
    sort = Sort.RELEVANCE if text else Sort.NEWEST
    while True:
        result = search.search(SearchQuery(
            text=text, kinds=("dataset",), filters={k: tuple(v) for k, v in filters.items()},
            sort=sort, offset=offset, limit=SEARCH_BATCH))
        ids.extend(hit.id for hit in result.hits)
        offset += SEARCH_BATCH
        if not result.hits or offset >= result.total:
            return ids


def dataset_iris(session: Session) -> list[str]:
    """The IRIs of every published dataset (the LKOD catalog lists them all: no paging)."""
    from catalog.models import RecordState

    return list(session.exec(select(Dataset.iri).where(
        col(Dataset.state) == RecordState.PUBLISHED).order_by(col(Dataset.id))))


def hydra_triples(page: CatalogPage, page_url: str, url_of: Mapping[int, str],
                  catalog_iri: str) -> list[Triple]:
    """The paging node: ``hydra:PartialCollectionView`` with first/last/next/previous, also typed
    ``hydra:PagedCollection`` with firstPage/lastPage/nextPage/previousPage (older harvesters),
    totalItems and itemsPerPage. ``url_of`` maps a page number to its absolute URL."""
    node = URIRef(page_url)
    out: list[Triple] = [
        (node, RDF.type, HYDRA.PartialCollectionView),
        (node, RDF.type, HYDRA.PagedCollection),
        (URIRef(catalog_iri), HYDRA.view, node),
        (node, HYDRA.totalItems, Literal(page.total, datatype=XSD.integer)),
        (node, HYDRA.itemsPerPage, Literal(page.page_size, datatype=XSD.integer)),
    ]
    links = {"first": 1, "last": page.last_page}
    if page.page > 1:
        links["previous"] = page.page - 1
    if page.page < page.last_page:
        links["next"] = page.page + 1
    for name, number in links.items():
        url = URIRef(url_of[number])
        out.append((node, HYDRA[name], url))
        out.append((node, HYDRA[f"{name}Page"], url))
    return out
