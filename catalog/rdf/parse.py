"""Reading DCAT RDF (Turtle, RDF/XML, JSON-LD, N-Triples) and LKOD JSON-LD into our input
models: what the harvesters call. Pure functions; nothing is fetched.

    graph = parse_rdf(body, "text/turtle")          # or lkod_to_graph(json_document)
    for iri in iter_datasets(graph):
        dataset_in = parse_dataset_graph(graph, iri, publisher_slug=my_resolver)
        publisher_in = parse_publisher(graph, iri)   # AgentInput, to upsert first

Vocabulary values outside our code lists, malformed URLs and similar are reported as
``catalog.errors.ValidationError`` naming the field (the same errors the services raise).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import unquote, urlsplit

from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, RDF

from catalog.errors import ValidationError
from catalog.rdf import dcat_ap_3, dcat_ap_cz
from catalog.rdf.contexts import UnknownContext, with_local_context
from catalog.rdf.namespaces import new_graph
from catalog.schemas import AgentInput, DatasetInput, parse_input

# (publisher IRI, the values read from its node) -> our publisher slug
PublisherResolver = Callable[[str, dict[str, Any]], str]

FORMATS = {
    "text/turtle": "turtle", "ttl": "turtle", "turtle": "turtle",
    "application/rdf+xml": "xml", "rdf": "xml", "xml": "xml",
    "application/ld+json": "json-ld", "jsonld": "json-ld", "json-ld": "json-ld",
    "application/json": "json-ld",
    "application/n-triples": "nt", "nt": "nt", "text/plain": "nt",
    "text/n3": "n3", "n3": "n3",
}


class RdfSyntaxError(ValueError):
    """A document could not be read as the RDF syntax it claimed."""


def ascii_slug(text: str, max_length: int = 120) -> str:
    """ASCII slug of ``text`` ("Liberecký kraj" -> "liberecky-kraj"); "" when nothing is left."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-")


def slugify(text: str, max_length: int = 120) -> str:
    """ASCII slug of ``text``, "record" when nothing is left."""
    return ascii_slug(text, max_length) or "record"


def parse_rdf(data: bytes | str, syntax: str) -> Graph:
    """A graph from ``data`` in ``syntax`` (a media type or an extension). JSON-LD documents
    with a known Czech context are read with our local context; unknown remote contexts and
    remote documents are refused rather than fetched."""
    fmt = FORMATS.get(syntax.split(";")[0].strip().lower())
    if fmt is None:
        raise RdfSyntaxError(f"unsupported RDF syntax {syntax!r}")
    graph = new_graph()
    try:
        if fmt == "json-ld":
            document = json.loads(data)
            graph.parse(data=json.dumps(with_local_context(document)), format="json-ld")
        else:
            graph.parse(data=data, format=fmt)
    except (RdfSyntaxError, UnknownContext):
        raise
    except Exception as exc:  # rdflib raises many types; the caller needs one
        raise RdfSyntaxError(f"not valid {fmt}: {exc}") from exc
    return graph


def iter_datasets(graph: Graph) -> Iterator[str]:
    """The IRIs of the datasets described in ``graph`` (blank-node datasets are skipped: they
    cannot keep an identity), in a stable order."""
    yield from sorted({str(s) for s in graph.subjects(RDF.type, DCAT.Dataset)
                       if isinstance(s, URIRef)})


def default_publisher_slug(iri: str, values: dict[str, Any]) -> str:
    """Our own publisher IRIs (``…/publishers/<slug>``, also via owl:sameAs) give their slug;
    otherwise the slug of the Czech name, else ``ico-<IČO>``."""
    for candidate in [iri, *values.get("same_as", [])]:
        match = re.search(r"/publishers/([a-z0-9-]+)$", candidate)
        if match:
            return match.group(1)
    name = values.get("name") or {}
    if name.get("cs"):
        return slugify(name["cs"])
    if values.get("ico"):
        return f"ico-{values['ico']}"
    return slugify(urlsplit(iri).path.rsplit("/", 1)[-1] or iri)


def publisher_values(graph: Graph, dataset_iri: str) -> tuple[str, dict[str, Any]] | None:
    publisher = next(iter(graph.objects(URIRef(dataset_iri), DCTERMS.publisher)), None)
    if publisher is None:
        return None
    values = dcat_ap_3.agent_values(graph, publisher)
    values["same_as"] = dcat_ap_3.iris_of(graph, publisher, OWL.sameAs)
    return str(publisher), values


def parse_publisher(graph: Graph, dataset_iri: str, *,
                    publisher_slug: PublisherResolver | None = None) -> AgentInput | None:
    """The dataset's publisher as an AgentInput (None when it has no dct:publisher, or when the
    graph only names it: an LKOD record gives the RPP IRI without a name)."""
    found = publisher_values(graph, dataset_iri)
    if found is None or not found[1]["name"]:
        return None
    iri, values = found
    slug = (publisher_slug or default_publisher_slug)(iri, values)
    data = {k: v for k, v in values.items() if k in ("name", "homepage", "email", "ico")}
    return parse_input(AgentInput, {"slug": slug, **data})


def dataset_slug(iri: str) -> str:
    """Our dataset IRIs end in their slug; other IRIs give a slug of their last segments."""
    path = unquote(urlsplit(iri).path).rstrip("/")
    last = path.rsplit("/", 1)[-1]
    if re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", last) and len(last) <= 120:
        return last
    return slugify(path.replace("/", " ") or iri)


def parse_dataset_graph(graph: Graph, dataset_iri: str, *,
                        publisher_slug: PublisherResolver | None = None,
                        slug: str | None = None) -> DatasetInput:
    """The dataset ``dataset_iri`` of ``graph`` (DCAT-AP 1–3 and DCAT-AP-CZ terms) as a
    DatasetInput, validated. ``publisher_slug`` maps the publisher IRI to one of our publisher
    slugs (default: ``default_publisher_slug``); ``slug`` overrides the one taken from the IRI.
    Lists come back sorted, distributions in the natural order of their IRIs. Raises
    ValidationError naming the first faulty field."""
    node = URIRef(dataset_iri)
    if (node, RDF.type, DCAT.Dataset) not in graph:
        raise ValidationError("iri", f"{dataset_iri} is not a dcat:Dataset in this document")
    values = dcat_ap_3.dataset_values(graph, node)
    found = publisher_values(graph, dataset_iri)
    if found is None:
        raise ValidationError("publisher", "the dataset has no dct:publisher")
    values["publisher"] = (publisher_slug or default_publisher_slug)(*found)
    values["slug"] = slug or dataset_slug(dataset_iri)
    distributions = sorted((d for d in graph.objects(node, DCAT.distribution)),
                           key=lambda d: dcat_ap_3.natural_key(str(d)))
    items = []
    for dist in distributions:
        item = dcat_ap_3.distribution_values(graph, dist)
        item.update(dcat_ap_cz.terms_values(graph, dist))
        items.append(item)
    values["distributions"] = items
    return parse_input(DatasetInput, _drop_empty(values))


def _drop_empty(values: dict[str, Any]) -> dict[str, Any]:
    """None means "not given": let the model's defaults apply."""
    cleaned: dict[str, Any] = {}
    for key, value in values.items():
        if value is None:
            continue
        if isinstance(value, dict):
            value = _drop_empty(value) if not _is_lang_map(value) else value
        if isinstance(value, list):
            value = [_drop_empty(v) if isinstance(v, dict) else v for v in value]
        cleaned[key] = value
    return cleaned


def _is_lang_map(value: dict[str, Any]) -> bool:
    return bool(value) and all(len(k) == 2 for k in value)


def parse_lkod_dataset(document: Any, *, publisher_slug: PublisherResolver | None = None,
                       slug: str | None = None) -> DatasetInput:
    """An LKOD dataset record (JSON-LD, 2021-01-11 or 2024-05-28 context) as a DatasetInput."""
    graph = dcat_ap_cz.lkod_to_graph(document)
    iri = document.get("iri") or document.get("@id") if isinstance(document, dict) else None
    if not isinstance(iri, str):
        found = list(iter_datasets(graph))
        if len(found) != 1:
            raise ValidationError("iri", f"expected one dataset with an IRI, found {len(found)}")
        iri = found[0]
    return parse_dataset_graph(graph, iri, publisher_slug=publisher_slug, slug=slug)
