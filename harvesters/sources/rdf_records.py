"""From a DCAT graph (one page, one LKOD record) to harvested items, on the DCAT-AP reading of
``catalog.rdf``: values outside the catalog's code lists are left out and flagged rather than
failing the record; documents are checked before rdflib sees them (XML hardening, no remote
JSON-LD context)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin

from rdflib import Graph, URIRef
from rdflib.namespace import DCAT

from catalog import vocabularies as voc
from catalog.errors import CatalogError
from catalog.rdf import dcat_ap_3, dcat_ap_cz
from catalog.rdf.contexts import CONTEXTS, UnknownContext
from catalog.rdf.indexed import read_graph
from catalog.rdf.parse import (
    RdfSyntaxError,
    dataset_slug,
    default_publisher_slug,
    iter_datasets,
    parse_rdf,
    publisher_values,
)
from harvesters import normalize as norm
from harvesters.errors import ParseError
from harvesters.http import Fetched
from harvesters.models import RecordKind
from harvesters.sources.base import AgentData, Failed, Harvested, Item
from harvesters.sources.dcat_us import arcgis_ids
from harvesters.xml import parse_bytes

SYNTAXES = {
    "text/turtle": "text/turtle", "application/x-turtle": "text/turtle",
    "application/rdf+xml": "application/rdf+xml", "application/xml": "application/rdf+xml",
    "text/xml": "application/rdf+xml",
    "application/ld+json": "application/ld+json", "application/json": "application/ld+json",
    "application/n-triples": "application/n-triples",
}
EXTENSIONS = {".ttl": "text/turtle", ".rdf": "application/rdf+xml", ".xml": "application/rdf+xml",
              ".jsonld": "application/ld+json", ".json": "application/ld+json",
              ".nt": "application/n-triples"}
TERMS = {"terms_author_work": voc.TERMS_AUTHOR_WORK, "terms_database_work": voc.TERMS_DATABASE_WORK,
         "terms_special_db_rights": voc.TERMS_SPECIAL_DB_RIGHTS,
         "personal_data": voc.TERMS_PERSONAL_DATA}
QUERY_REF = re.compile(rb'<(\?[^<>"{}|^`\\\x00-\x20]*)>')
ACCEPT = ("text/turtle, application/ld+json;q=0.9, application/rdf+xml;q=0.8, "
          "application/n-triples;q=0.5")


def syntax_of(fetched: Fetched) -> str:
    """The RDF syntax of a fetched document by its content type, else its URL's extension;
    HTML (an error page, a portal's front page) is refused by name."""
    content_type = fetched.content_type
    if content_type in ("text/html", "application/xhtml+xml") or fetched.content.lstrip()[
            :15].lower().startswith((b"<!doctype html", b"<html")):
        raise ParseError(f"HTML instead of RDF ({content_type or 'no content type'}) at "
                         f"{fetched.url}")
    if content_type in SYNTAXES:
        return SYNTAXES[content_type]
    path = fetched.url.split("?", 1)[0].lower()
    for extension, syntax in EXTENSIONS.items():
        if path.endswith(extension):
            return syntax
    raise ParseError(f"not an RDF document ({content_type or 'no content type'}) at "
                     f"{fetched.url}")


def refuse_remote_contexts(node: Any) -> None:
    """Refuse a JSON-LD document naming a remote context we do not hold (anywhere: top level,
    nested, scoped in a term definition, ``@import``): it is never fetched."""
    if isinstance(node, list):
        for item in node:
            refuse_remote_contexts(item)
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key in ("@context", "@import"):
            for context in value if isinstance(value, list) else [value]:
                if isinstance(context, str) and not _known_context(context):
                    raise ParseError(f"a remote JSON-LD context is refused (never fetched): "
                                     f"{context[:200]}")
        refuse_remote_contexts(value)


def _known_context(url: str) -> bool:
    from catalog.rdf.contexts import _local

    try:
        return isinstance(_local(url), dict)
    except UnknownContext:
        return url in CONTEXTS


def parse_document(fetched: Fetched) -> Graph:
    """The graph of a fetched RDF document, or ``ParseError`` naming what is wrong."""
    syntax = syntax_of(fetched)
    if syntax == "application/rdf+xml":
        parse_bytes(fetched.content)  # refuses entity bombs and external entities first
    elif syntax == "application/ld+json":
        try:
            document = json.loads(fetched.content)
        except ValueError as exc:
            raise ParseError(f"malformed JSON-LD at {fetched.url}: {exc}") from None
        refuse_remote_contexts(document)
    fast = read_graph(fetched.content, syntax, fetched.url)
    if fast is not None:
        return fast
    content = fetched.content
    if syntax == "text/turtle" and b"@base" not in content[:4096]:
        # Relative IRIs (a Hydra ``<?page=2>``) resolve against the page's own URL; rdflib
        # resolves query-only references against the directory, so those are made absolute.
        content = QUERY_REF.sub(lambda m: b"<" + urljoin(fetched.url, m.group(1).decode(
            "utf-8", "replace")).encode() + b">", content)
        content = f"@base <{fetched.url}> .\n".encode() + content
    try:
        return parse_rdf(content, syntax)
    except (RdfSyntaxError, UnknownContext) as exc:
        message = str(exc) if len(str(exc)) <= 300 else str(exc)[:300] + "…"
        raise ParseError(f"{message} at {fetched.url}") from None


def graph_items(graph: Graph, language: str = "cs") -> Iterator[Item]:
    """Every dataset with an IRI in ``graph`` as a harvested item."""
    for iri in iter_datasets(graph):
        try:
            yield dataset_item(graph, iri, language)
        except CatalogError as exc:
            yield Failed(iri, str(exc))


def dataset_item(graph: Graph, iri: str, language: str = "cs") -> Item:
    """One dataset node mapped leniently: unknown code-list values are dropped and flagged."""
    node = URIRef(iri)
    values = dcat_ap_3.dataset_values(graph, node)
    flags: list[str] = []
    data: dict[str, Any] = {"slug": dataset_slug(iri)}
    for key in ("title", "description", "keywords", "temporal", "issued", "modified", "bbox",
                "applicable_legislation", "hvd_categories"):
        if values.get(key):
            data[key] = values[key]
    if data.get("title") and not data.get("description"):
        data["description"] = dict(data["title"])
        flags.append("description missing: the title is used")
    data["themes"] = sorted({code for code in (norm.theme(t) for t in values["themes"]) if code})
    concepts = [c for c in (norm.url(c) for c in values["concepts"]) if c]
    if concepts:
        data["concepts"] = concepts
    data["spatial"] = [s for s in (norm.ruian(v) for v in values["spatial"]) if s]
    _optional(data, flags, "frequency", norm.frequency(values["frequency"]), values["frequency"],
              "frequency not in the catalog's list: left out")
    for key in ("landing_page", "documentation"):
        _optional(data, flags, key, norm.url(values[key]), values[key],
                  f"{key.replace('_', ' ')} is not an http(s) URL: left out")
    contact = values.get("contact") or {}
    cleaned = {"name": norm.text(contact.get("name")), "email": norm.email(contact.get("email")),
               "url": norm.url(contact.get("url"))}
    if contact.get("email") and not cleaned["email"]:
        flags.append("contact e-mail is not valid: left out")
    if any(cleaned.values()):
        data["contact"] = {k: v for k, v in cleaned.items() if v}
    identifiers = [iri, *values.get("identifiers", [])]
    data["identifiers"] = sorted({i for i in identifiers if i and " " not in i and len(i) <= 500})
    distributions = sorted(graph.objects(node, DCAT.distribution),
                           key=lambda d: dcat_ap_3.natural_key(str(d)))
    data["distributions"] = [d for d in (
        _distribution(graph, dist, flags) for dist in distributions) if d]
    agent = _agent(graph, iri, flags)
    identities = [f"iri:{iri}"]
    identities += [f"identifier:{i}" for i in values.get("identifiers", []) if i != iri]
    if data.get("landing_page"):
        identities.append(f"landing:{data['landing_page']}")
    urls = {"iri": iri, "landingPage": data.get("landing_page"),
            "distribution": [{"accessURL": d.get("access_url"), "downloadURL": d.get(
                "download_url")} for d in data["distributions"]]}
    identities += [f"arcgis:{item}" for item in sorted(arcgis_ids(urls))]
    title = data.get("title") or {}
    label = title.get("cs") or next(iter(title.values()), iri) if title else iri
    return Harvested(remote_id=iri[:500], kind=RecordKind.DATASET, data=data,
                     identities=tuple(dict.fromkeys(identities)),
                     flags=tuple(dict.fromkeys(flags)), agent=agent, label=label)


def _optional(data: dict[str, Any], flags: list[str], key: str, value: Any, raw: Any,
              flag: str) -> None:
    if value is not None:
        data[key] = value
    elif raw:
        flags.append(flag)


def _distribution(graph: Graph, node: Any, flags: list[str]) -> dict[str, Any] | None:
    raw = dcat_ap_3.distribution_values(graph, node)
    access = norm.url(raw.get("access_url")) or norm.url(raw.get("download_url"))
    if access is None:
        flags.append("a distribution without an http(s) access URL was left out")
        return None
    values: dict[str, Any] = {"access_url": access}
    for key in ("title", "description", "issued", "modified", "byte_size"):
        if raw.get(key):
            values[key] = raw[key]
    if (download := norm.url(raw.get("download_url"))) is not None:
        values["download_url"] = download
    _optional(values, flags, "format", norm.file_format(raw.get("format"), raw.get(
        "media_type")), raw.get("format"), "distribution format not in the catalog's list: "
              "left out")
    _optional(values, flags, "media_type", norm.media_type(raw.get("media_type")),
              raw.get("media_type"), "media type is not valid: left out")
    _optional(values, flags, "license", norm.licence(raw.get("license")), raw.get("license"),
              "licence not in the catalog's list: left out")
    service = raw.get("access_service")
    if isinstance(service, dict) and norm.url(service.get("endpoint_url")) and service.get(
            "title"):
        values["access_service"] = {k: v for k, v in service.items() if v}
    for key, value in dcat_ap_cz.terms_values(graph, node).items():
        if key in TERMS and value not in TERMS[key].values():
            flags.append(f"terms of use {key}: value not in the Czech code list: left out")
        elif value:
            values[key] = value
    return values


def _agent(graph: Graph, iri: str, flags: list[str]) -> AgentData | None:
    found = publisher_values(graph, iri)
    if found is None:
        return None
    publisher_iri, values = found
    name = values.get("name") or {}
    if not name.get("cs"):
        if name:
            name = {"cs": next(iter(name.values()))}
        else:
            flags.append("the publisher has no name in the record: the source's publisher is "
                         "used")
            return None
    return AgentData(slug=default_publisher_slug(publisher_iri, values)[:120], name=name,
                     homepage=norm.url(values.get("homepage")),
                     email=norm.email(values.get("email")))
