"""The DCAT-AP-CZ profile (OFN "Rozhraní katalogů otevřených dat" 2024-05-28, reading 2021-01-11):
the four terms-of-use slots on every distribution, and the LKOD JSON-LD documents with Czech
keys (catalog file and one record per dataset IRI), both ways.

LKOD JSON is written straight from the record (the exact keys the JSON Schemas check); fields of
ours that the Czech context has no key for are written as compact IRIs (``dcterms:issued``), so
a document parsed back through rdflib gives the same graph as the DCAT-AP 3 profile.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from rdflib import Graph, URIRef
from rdflib.term import Node

from catalog import vocabularies as voc
from catalog.rdf import dcat_ap_3
from catalog.rdf.contexts import CONTEXT_2024, with_local_context
from catalog.rdf.dcat_ap_3 import Triple, bbox_wkt, centroid_wkt
from catalog.rdf.namespaces import IANA_MEDIA_TYPES, PU, new_graph
from catalog.rdf.records import CatalogRecord, DatasetRecord, DistributionRecord
from catalog.schemas import ContactInput, DistributionInput

PU_SPECIFICATION = PU["specifikace"]
PU_CLASS = PU["Specifikace"]
PU_AUTHOR_WORK = PU["autorské-dílo"]
PU_AUTHOR = PU["autor"]
PU_DATABASE_WORK = PU["databáze-jako-autorské-dílo"]
PU_DATABASE_AUTHOR = PU["autor-databáze"]
PU_SPECIAL_RIGHTS = PU["databáze-chráněná-zvláštními-právy"]
PU_PERSONAL_DATA = PU["osobní-údaje"]
OWL_SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"
VCARD_URL = "vcard:hasURL"
WKT = "http://www.opengis.net/ont/geosparql#wktLiteral"


# --- RDF: the terms of use ------------------------------------------------------------------

def terms_triples(dist_iri: str, item: DistributionInput) -> Iterator[Triple]:
    """pu:specifikace with the four mandatory slots (and the authors when CC BY is chosen)."""
    iri = dcat_ap_3.iri_node
    node = iri(dist_iri)
    terms = dcat_ap_3.blank()
    yield node, PU_SPECIFICATION, terms
    yield terms, dcat_ap_3.RDF.type, PU_CLASS
    yield terms, PU_AUTHOR_WORK, iri(item.terms_author_work)
    yield from dcat_ap_3.lang_literals(terms, PU_AUTHOR, item.terms_author)
    yield terms, PU_DATABASE_WORK, iri(item.terms_database_work)
    yield from dcat_ap_3.lang_literals(terms, PU_DATABASE_AUTHOR, item.terms_database_author)
    yield terms, PU_SPECIAL_RIGHTS, iri(item.terms_special_db_rights)
    yield terms, PU_PERSONAL_DATA, iri(item.personal_data)


def dataset_triples(record: DatasetRecord, *, publisher: bool = True) -> list[Triple]:
    """DCAT-AP 3.0.1 plus the Czech terms of use: what the portal publishes as RDF."""
    out = dcat_ap_3.dataset_triples(record, publisher=publisher)
    for dist in record.distributions:
        out.extend(terms_triples(dist.iri, dist.distribution))
    return out


def terms_values(graph: Graph, node: Node) -> dict[str, Any]:
    """The terms-of-use fields of a distribution node (left out when it has none)."""
    for terms in graph.objects(node, PU_SPECIFICATION):
        values: dict[str, Any] = {}
        for key, predicate in (("terms_author_work", PU_AUTHOR_WORK),
                               ("terms_database_work", PU_DATABASE_WORK),
                               ("terms_special_db_rights", PU_SPECIAL_RIGHTS),
                               ("personal_data", PU_PERSONAL_DATA)):
            value = dcat_ap_3.one_iri(graph, terms, predicate)
            if value:
                values[key] = value
        values["terms_author"] = dcat_ap_3.lang_map(graph, terms, PU_AUTHOR)
        values["terms_database_author"] = dcat_ap_3.lang_map(graph, terms, PU_DATABASE_AUTHOR)
        return values
    return {}


# --- LKOD JSON-LD: write --------------------------------------------------------------------

def _date(value: Any) -> dict[str, str]:
    return {"@value": value.isoformat(), "@type": "xsd:date"}


def _contact(contact: ContactInput) -> dict[str, Any]:
    node: dict[str, Any] = {"typ": "Organizace"}
    if contact.name:
        node["jméno"] = {"cs": contact.name}
    if contact.email:
        node["e-mail"] = f"mailto:{contact.email}"
    if contact.url:
        node[VCARD_URL] = {"@id": contact.url}
    return node


def _terms(item: DistributionInput) -> dict[str, Any]:
    terms: dict[str, Any] = {
        "typ": "Specifikace podmínek užití",
        "autorské_dílo": item.terms_author_work,
        "databáze_jako_autorské_dílo": item.terms_database_work,
        "databáze_chráněná_zvláštními_právy": item.terms_special_db_rights,
        "osobní_údaje": item.personal_data,
    }
    if item.terms_author:
        terms["autor"] = dict(item.terms_author)
    if item.terms_database_author:
        terms["autor_databáze"] = dict(item.terms_database_author)
    return terms


def _distribution(record: DatasetRecord, dist: DistributionRecord) -> dict[str, Any]:
    item = dist.distribution
    ds = record.dataset
    out: dict[str, Any] = {"iri": dist.iri, "typ": "Distribuce"}
    if item.title:
        out["název"] = dict(item.title)
    if item.description:
        out["popis"] = dict(item.description)
    out["podmínky_užití"] = _terms(item)
    out["přístupové_url"] = item.access_url
    if item.download_url:
        out["soubor_ke_stažení"] = item.download_url
    if item.format:
        out["formát"] = item.format
    if item.media_type:
        out["typ_média"] = IANA_MEDIA_TYPES + item.media_type
    if ds.hvd_categories and ds.applicable_legislation:
        out["právní_předpis"] = list(ds.applicable_legislation)
    if item.byte_size is not None:
        out["dcat:byteSize"] = {"@value": str(item.byte_size), "@type": "xsd:nonNegativeInteger"}
    if item.license:
        out["dcterms:license"] = {"@id": item.license}
    if item.issued:
        out["dcterms:issued"] = _date(item.issued)
    if item.modified:
        out["dcterms:modified"] = _date(item.modified)
    service = item.access_service
    if service is not None and dist.service_iri:
        node: dict[str, Any] = {"iri": dist.service_iri, "typ": "Datová služba",
                                "název": dict(service.title)}
        if service.description:
            node["popis"] = dict(service.description)
        node["přístupový_bod"] = service.endpoint_url
        if service.endpoint_description:
            node["popis_přístupového_bodu"] = service.endpoint_description
        node["poskytuje_datovou_sadu"] = [record.iri]
        node["dcterms:publisher"] = {"@id": record.publisher.iri}
        if ds.themes:
            node["téma"] = list(ds.themes)
        if any(ds.keywords.values()):
            node["klíčové_slovo"] = {lang: list(words) for lang, words in ds.keywords.items()
                                     if words}
        if ds.contact:
            node["kontaktní_bod"] = _contact(ds.contact)
        if service.license:
            node["dcterms:license"] = {"@id": service.license}
        if ds.hvd_categories:
            if ds.documentation:
                node["dokumentace"] = ds.documentation
            if ds.applicable_legislation:
                node["právní_předpis"] = list(ds.applicable_legislation)
            node["kategorie_hvd"] = list(ds.hvd_categories)
        out["přístupová_služba"] = node
    return out


def dataset_to_lkod(record: DatasetRecord) -> dict[str, Any]:
    """The dataset's LKOD record (JSON-LD, 2024-05-28 context, Czech keys)."""
    ds = record.dataset
    doc: dict[str, Any] = {"@context": CONTEXT_2024, "iri": record.iri, "typ": "Datová sada",
                           "název": dict(ds.title), "popis": dict(ds.description),
                           "poskytovatel": record.publisher.iri}
    eurovoc = [c for c in ds.concepts if c.startswith(voc.EUROVOC_BASE)]
    other_concepts = [c for c in ds.concepts if not c.startswith(voc.EUROVOC_BASE)]
    doc["téma"] = [*ds.themes, *other_concepts]
    if eurovoc:
        doc["koncept_euroVoc"] = eurovoc
    if ds.frequency:
        doc["periodicita_aktualizace"] = ds.frequency
    doc["klíčové_slovo"] = {lang: list(words) for lang, words in ds.keywords.items() if words}
    doc["prvek_rúian"] = list(ds.spatial)
    if ds.bbox:
        doc["dcterms:spatial"] = {"typ": "dcterms:Location",
                                  "dcat:bbox": {"@value": bbox_wkt(ds.bbox), "@type": WKT},
                                  "dcat:centroid": {"@value": centroid_wkt(ds.bbox),
                                                    "@type": WKT}}
    if ds.temporal and (ds.temporal.start or ds.temporal.end):
        period: dict[str, Any] = {"typ": "Časový interval"}
        if ds.temporal.start:
            period["začátek"] = ds.temporal.start.isoformat()
        if ds.temporal.end:
            period["konec"] = ds.temporal.end.isoformat()
        doc["časové_pokrytí"] = period
    if ds.contact:
        doc["kontaktní_bod"] = _contact(ds.contact)
    if ds.documentation:
        doc["dokumentace"] = ds.documentation
    if ds.applicable_legislation:
        doc["právní_předpis"] = list(ds.applicable_legislation)
    if ds.hvd_categories:
        doc["kategorie_hvd"] = list(ds.hvd_categories)
    if record.series_iri:
        doc["je_součástí"] = record.series_iri
    if ds.landing_page:
        doc["dcat:landingPage"] = {"@id": ds.landing_page}
    if ds.issued:
        doc["dcterms:issued"] = _date(ds.issued)
    if ds.modified:
        doc["dcterms:modified"] = _date(ds.modified)
    if ds.identifiers:
        doc["adms:identifier"] = [{"typ": "adms:Identifier", "skos:notation": {"@value": i}}
                                  for i in ds.identifiers]
        same_as = [i for i in ds.identifiers if i.startswith(("http://", "https://"))]
        if same_as:
            doc[OWL_SAME_AS] = [{"@id": i} for i in same_as]
    if record.distributions:
        doc["distribuce"] = [_distribution(record, dist) for dist in record.distributions]
    return doc


def catalog_to_lkod(catalog: CatalogRecord, dataset_iris: Iterable[str]) -> dict[str, Any]:
    """The LKOD catalog file: the catalog and the IRI of every dataset it lists."""
    doc: dict[str, Any] = {"@context": CONTEXT_2024, "iri": catalog.iri, "typ": "Katalog",
                           "název": dict(catalog.title), "popis": dict(catalog.description),
                           "poskytovatel": catalog.publisher.iri}
    agent = catalog.publisher.agent
    if agent.email:
        doc["kontaktní_bod"] = {"typ": "Organizace", "jméno": dict(agent.name),
                                "e-mail": f"mailto:{agent.email}"}
    if catalog.homepage and catalog.homepage.startswith("https://"):
        doc["domovská_stránka"] = catalog.homepage
    doc["datová_sada"] = list(dataset_iris)
    return doc


# --- LKOD JSON-LD: read ---------------------------------------------------------------------

def lkod_to_graph(document: Any) -> Graph:
    """The RDF graph of an LKOD JSON-LD document (either context version; never fetched)."""
    graph = new_graph()
    graph.parse(data=json.dumps(with_local_context(document)), format="json-ld")
    return graph


def _iri_list(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    found = []
    for item in values:
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            iri = item.get("iri") or item.get("@id")
            if isinstance(iri, str):
                found.append(iri)
    return found


def parse_lkod_catalog(document: Any) -> list[str]:
    """The dataset (and series) IRIs an LKOD catalog file lists under ``datová_sada``.

    Reads the JSON keys of both context versions; a document with ``@graph`` or expanded keys
    is read through RDF instead."""
    if isinstance(document, dict) and "datová_sada" in document:
        return _iri_list(document["datová_sada"])
    graph = lkod_to_graph(document)
    return sorted({str(o) for o in graph.objects(None, dcat_ap_3.DCAT.dataset)
                   if isinstance(o, URIRef)})

