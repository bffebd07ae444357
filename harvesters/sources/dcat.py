"""DCAT RDF source: a catalog in Turtle, RDF/XML, JSON-LD or N-Triples, paged with Hydra
(``hydra:PagedCollection`` with ``hydra:nextPage`` as ckanext-dcat writes it, or
``hydra:PartialCollectionView`` with ``hydra:next``). A next link pointing back to a page
already read is a paging loop: the source fails rather than looping. Incremental runs use
conditional GETs or ``?modified_since=`` (see ``DcatRdfSource``)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from harvesters.errors import HarvestError, ParseError
from harvesters.http import HttpClient, Validators
from harvesters.sources.base import Item, RunState, SourceConfig
from harvesters.sources.rdf_records import ACCEPT, graph_items, parse_document

HYDRA = "http://www.w3.org/ns/hydra/core#"
PAGE_TYPES = (URIRef(HYDRA + "PagedCollection"), URIRef(HYDRA + "PartialCollectionView"))
NEXT = (URIRef(HYDRA + "next"), URIRef(HYDRA + "nextPage"))
MAX_PAGES = 100_000
MODIFIED_SINCE_MARGIN = timedelta(minutes=5)


def next_page(graph: Graph, page_url: str) -> str | None:
    """The next page named by the page's Hydra node (either style), absolute."""
    for page_type in PAGE_TYPES:
        for node in graph.subjects(RDF.type, page_type):
            for predicate in NEXT:
                for target in graph.objects(node, predicate):
                    return urljoin(page_url, str(target))
    return None


class DcatRdfSource:
    """Reads a DCAT catalog page by page; each page's graph is dropped after its datasets.

    A full run reads every page unconditionally (archiving needs every record seen). An
    incremental run either asks for ``?modified_since=`` (``--option modified_since=true``, for
    catalogs that honour it as ckanext-dcat and this portal do) or, by default, sends each
    page's validators from the last run: a page answering 304 is skipped by its remembered
    next link and its records count unchanged; when every page answers 304 the run ends with
    everything unchanged. Every page is asked, not only the first: a catalog that is not
    sorted newest change first changes a later page alone."""

    incremental = True

    def __init__(self, config: SourceConfig) -> None:
        self.config = config
        self.max_pages = int(config.options.get("max_pages", MAX_PAGES))

    def items(self, http: HttpClient, state: RunState) -> Iterator[Item]:
        self.modified_since = modified_since_option(self.config.options)
        url: str | None = self.config.url
        # Validators pay only on incremental runs; with modified_since the URL changes each run.
        conditional = state.since is not None and not self.modified_since
        if state.since is not None and self.modified_since:
            url = with_modified_since(self.config.url, state.since)
        known, notes = (state.validators, state.notes) if conditional else ({}, {})
        remembered: dict[str, Validators] = {}
        visited: set[str] = set()
        digests: set[str] = set()
        read = skipped = 0
        while url is not None:
            if url in visited or len(visited) >= self.max_pages:
                raise ParseError(f"Hydra paging loops or never ends: {url} was already read "
                                 f"(after {len(visited)} pages)")
            visited.add(url)
            page_url = url
            fetched = http.get(url, headers={"Accept": ACCEPT}, validators=known.get(url))
            if fetched.not_modified and "next" in notes.get(url, {}):
                remembered[url] = known[url]
                skipped += int(notes[url].get("records", 0))
                url = notes[url]["next"]
                continue
            if fetched.not_modified:  # a 304 without what we need to skip the page
                fetched = http.get(url, headers={"Accept": ACCEPT})
            digest = hashlib.sha256(fetched.content).hexdigest()
            if digest in digests:
                raise ParseError(f"Hydra paging loops: {url} repeats an earlier page")
            digests.add(digest)
            graph = parse_document(fetched)
            read += 1
            records = 0
            for item in graph_items(graph):
                records += 1
                yield item
            url = next_page(graph, fetched.url)
            del graph
            if not self.modified_since:
                remembered[page_url] = fetched.validators
                state.notes[page_url] = {"next": url, "records": records}
        state.complete = True
        if read == 0:  # every page answered 304: the whole catalog is as last read
            state.not_modified = True
        else:
            state.unchanged += skipped
        if not self.modified_since:  # only the pages of this read are kept
            state.validators = remembered
            state.notes = {u: state.notes[u] for u in remembered}
        self._advance(state)

    @staticmethod
    def _advance(state: RunState) -> None:
        """The next incremental run starts from this run's start."""
        if state.started is not None:
            state.cursor = state.started.strftime("%Y-%m-%dT%H:%M:%SZ")


def modified_since_option(options: Mapping[str, Any]) -> bool:
    """The ``modified_since`` option as a flag; anything but true/false is refused."""
    value = str(options.get("modified_since", "false")).strip().lower()
    if value not in ("true", "false"):
        raise HarvestError(f"the option modified_since takes true or false, not {value!r}")
    return value == "true"


def with_modified_since(url: str, since: str) -> str:
    """``url`` asking for the datasets changed since ``since`` minus a margin for clock skew
    between the two servers (a record read twice is cheap: its hash is unchanged)."""
    try:
        moment = datetime.fromisoformat(since.rstrip("Z")) - MODIFIED_SINCE_MARGIN
    except ValueError:
        raise HarvestError(f"the incremental cursor {since!r} is not a date-time") from None
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "modified_since"]
    query.append(("modified_since", moment.strftime("%Y-%m-%dT%H:%M:%SZ")))
    return urlunsplit(parts._replace(query=urlencode(query)))
