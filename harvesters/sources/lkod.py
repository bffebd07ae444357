"""LKOD source (Czech DCAT-AP-CZ local catalog): the catalog document lists dataset IRIs, each
dereferenced for its full record, each with a conditional GET (an unchanged record is not read
again). Both JSON-LD contexts (2021-01-11 and 2024-05-28) are read
with the local copies in ``catalog.rdf.contexts``: a remote ``@context`` is never fetched."""

from __future__ import annotations

import json
from collections.abc import Iterator

from catalog.rdf.dcat_ap_cz import parse_lkod_catalog
from catalog.rdf.parse import iter_datasets
from harvesters.errors import FetchError, ParseError
from harvesters.http import Fetched, HttpClient, Validators
from harvesters.sources.base import (
    Failed,
    Harvested,
    Item,
    RunState,
    SourceConfig,
    Unchanged,
)
from harvesters.sources.rdf_records import (
    ACCEPT,
    dataset_item,
    parse_document,
    refuse_remote_contexts,
)

JSON_LD_FIRST = "application/ld+json, " + ACCEPT.replace("application/ld+json;q=0.9, ", "")


class LkodSource:
    """Reads an LKOD catalog (``katalog.jsonld``) and every dataset record it lists."""

    incremental = False

    def __init__(self, config: SourceConfig) -> None:
        self.config = config

    def dataset_iris(self, fetched: Fetched) -> list[str]:
        """The dataset IRIs a fetched catalog document lists."""
        if fetched.content_type in ("application/ld+json", "application/json") or \
                fetched.url.split("?")[0].endswith((".jsonld", ".json")):
            try:
                document = json.loads(fetched.content)
            except ValueError as exc:
                raise ParseError(f"the LKOD catalog is not JSON at {fetched.url}: {exc}") \
                    from None
            refuse_remote_contexts(document)
            try:
                return parse_lkod_catalog(document)
            except ValueError as exc:  # UnknownContext and rdflib errors
                raise ParseError(f"the LKOD catalog cannot be read at {fetched.url}: {exc}") \
                    from None
        graph = parse_document(fetched)  # a Turtle or RDF/XML catalog
        from rdflib.namespace import DCAT

        return sorted({str(o) for o in graph.objects(None, DCAT.dataset)})

    def items(self, http: HttpClient, state: RunState) -> Iterator[Item]:
        """Every listed record, each with a conditional GET: a document that answers 304 is
        ``Unchanged`` (not parsed). The catalog file is fetched conditionally too; when it is
        unchanged the list is the one kept from the last run (the validators' keys: every
        listed document has an entry, with or without validators)."""
        known, url = state.validators, self.config.url
        catalog = http.get(url, headers={"Accept": JSON_LD_FIRST}, validators=known.get(url))
        if catalog.not_modified:
            iris = [iri for iri in known if iri != url]
            remembered = {url: known.get(url, Validators())}
        else:
            iris = self.dataset_iris(catalog)
            remembered = {url: catalog.validators}
        for iri in dict.fromkeys(iris):
            remembered[iri] = Validators()
            try:
                fetched = http.get(iri, headers={"Accept": JSON_LD_FIRST},
                                   validators=known.get(iri))
                if fetched.not_modified:
                    remembered[iri] = known.get(iri, Validators())
                    yield Unchanged(iri)
                    continue
                graph = parse_document(fetched)
            except (FetchError, ParseError) as exc:
                # One unreachable or broken record is that record's error: the others go on
                # and it is not archived (it is still listed).
                yield Failed(iri, _generic(exc))
                continue
            if iri not in set(iter_datasets(graph)):
                yield Failed(iri, "the dataset record does not describe the listed dataset IRI")
                continue
            item = dataset_item(graph, iri)
            if isinstance(item, Harvested):  # a record that failed is read again next time
                remembered[iri] = fetched.validators
            yield item
        state.validators = remembered
        state.complete = True


def _generic(exc: Exception) -> str:
    """The message without the record's own URL, so that errors group."""
    if isinstance(exc, FetchError):
        return f"dataset record could not be fetched: {exc.message}"
    return f"dataset record could not be read: {str(exc).rsplit(' at http', 1)[0]}"
