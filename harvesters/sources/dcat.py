"""DCAT RDF source: a catalog in Turtle, RDF/XML, JSON-LD or N-Triples, paged with Hydra
(``hydra:PagedCollection`` with ``hydra:nextPage`` as ckanext-dcat writes it, or
``hydra:PartialCollectionView`` with ``hydra:next``). A next link pointing back to a page
already read is a paging loop: the source fails rather than looping."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from urllib.parse import urljoin

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from harvesters.errors import ParseError
from harvesters.http import HttpClient
from harvesters.sources.base import Item, RunState, SourceConfig
from harvesters.sources.rdf_records import ACCEPT, graph_items, parse_document

HYDRA = "http://www.w3.org/ns/hydra/core#"
PAGE_TYPES = (URIRef(HYDRA + "PagedCollection"), URIRef(HYDRA + "PartialCollectionView"))
NEXT = (URIRef(HYDRA + "next"), URIRef(HYDRA + "nextPage"))
MAX_PAGES = 100_000


def next_page(graph: Graph, page_url: str) -> str | None:
    """The next page named by the page's Hydra node (either style), absolute."""
    for page_type in PAGE_TYPES:
        for node in graph.subjects(RDF.type, page_type):
            for predicate in NEXT:
                for target in graph.objects(node, predicate):
                    return urljoin(page_url, str(target))
    return None


class DcatRdfSource:
    """Reads a DCAT catalog page by page; each page's graph is dropped after its datasets."""

    incremental = False

    def __init__(self, config: SourceConfig) -> None:
        self.config = config
        self.max_pages = int(config.options.get("max_pages", MAX_PAGES))

    def items(self, http: HttpClient, state: RunState) -> Iterator[Item]:
        url: str | None = self.config.url
        visited: set[str] = set()
        digests: set[str] = set()
        while url is not None:
            if url in visited or len(visited) >= self.max_pages:
                raise ParseError(f"Hydra paging loops or never ends: {url} was already read "
                                 f"(after {len(visited)} pages)")
            visited.add(url)
            fetched = http.get(url, headers={"Accept": ACCEPT})
            digest = hashlib.sha256(fetched.content).hexdigest()
            if digest in digests:
                raise ParseError(f"Hydra paging loops: {url} repeats an earlier page")
            digests.add(digest)
            graph = parse_document(fetched)
            yield from graph_items(graph)
            url = next_page(graph, fetched.url)
            del graph
        state.complete = True
