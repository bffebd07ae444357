"""The DCAT-AP 3.0.1 profile (with the High-Value Datasets annex): a dataset record to triples,
and a dataset node of any DCAT graph back to the values of our input models.

Pure functions: no database, no network. The Czech additions are in ``dcat_ap_cz``.
"""

from __future__ import annotations

import itertools
import os
import re
import uuid
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from catalog import vocabularies as voc
from catalog.rdf.namespaces import IANA_MEDIA_TYPES
from catalog.rdf.namespaces import T_ADMS as ADMS
from catalog.rdf.namespaces import T_DCAT as DCAT
from catalog.rdf.namespaces import T_DCATAP as DCATAP
from catalog.rdf.namespaces import T_DCT as DCTERMS
from catalog.rdf.namespaces import T_FOAF as FOAF
from catalog.rdf.namespaces import T_GSP as GSP
from catalog.rdf.namespaces import T_LOCN as LOCN
from catalog.rdf.namespaces import T_OWL as OWL
from catalog.rdf.namespaces import T_RDF as RDF
from catalog.rdf.namespaces import T_SKOS as SKOS
from catalog.rdf.namespaces import T_VCARD as VCARD
from catalog.rdf.namespaces import T_XSD as XSD
from catalog.rdf.records import AgentRecord, CatalogRecord, DatasetRecord, DistributionRecord
from catalog.schemas import LANGUAGES, ContactInput

Triple = tuple[Node, Node, Node]
SCHEMA_START = URIRef("http://schema.org/startDate")
SCHEMA_END = URIRef("http://schema.org/endDate")
EU_LANGUAGE = voc.EU_AUTHORITY + "language/"


# --- serialize -----------------------------------------------------------------------------

@lru_cache(maxsize=4096)
def lang_literal(text: str, lang: str) -> Literal:
    """Keywords, names and short titles repeat across datasets: build each literal once."""
    return Literal(text, lang=lang)


@lru_cache(maxsize=8192)
def date_literal(value: date) -> Literal:
    return Literal(value.isoformat(), datatype=XSD.date)


def lang_literals(subject: Node, predicate: URIRef, texts: dict[str, str]) -> Iterator[Triple]:
    for lang, text in texts.items():
        yield subject, predicate, lang_literal(text, lang)


_blank_prefix = ""
_blank_serial = itertools.count(1)


def _new_blank_prefix() -> None:
    global _blank_prefix
    _blank_prefix = f"n{uuid.uuid4().hex[:16]}x"


_new_blank_prefix()
os.register_at_fork(after_in_child=_new_blank_prefix)  # forked workers: a prefix of their own


def blank() -> BNode:
    """A fresh blank node. rdflib's ``BNode()`` reads the OS's random source for each one (seven
    a dataset); a random per-process prefix and a counter are as unique and much cheaper."""
    return BNode(f"{_blank_prefix}{next(_blank_serial)}")


@lru_cache(maxsize=4096)
def _iri(value: str) -> URIRef:
    """IRIs repeat (vocabularies, publishers, predicates' objects): build each once."""
    return URIRef(value)


iri_node = _iri  # for the Czech profile's terms of use


def _mailto(email: str) -> URIRef:
    return URIRef(email if email.startswith("mailto:") else f"mailto:{email}")


def bbox_wkt(bbox: list[float]) -> str:
    west, south, east, north = bbox
    return (f"POLYGON(({west} {south}, {east} {south}, {east} {north}, {west} {north}, "
            f"{west} {south}))")


def centroid_wkt(bbox: list[float]) -> str:
    west, south, east, north = bbox
    return f"POINT({round((west + east) / 2, 6)} {round((south + north) / 2, 6)})"


def agent_triples(agent: AgentRecord) -> Iterator[Triple]:
    node = _iri(agent.iri)
    yield node, RDF.type, FOAF.Agent
    yield node, RDF.type, FOAF.Organization
    yield from lang_literals(node, FOAF.name, agent.agent.name)
    if agent.agent.homepage:
        yield node, FOAF.homepage, _iri(agent.agent.homepage)
    if agent.agent.email:
        yield node, FOAF.mbox, _mailto(agent.agent.email)
    if agent.agent.ico:
        yield node, DCTERMS.identifier, Literal(agent.agent.ico)
    if agent.local_iri != agent.iri:
        yield node, OWL.sameAs, _iri(agent.local_iri)


def contact_triples(subject: Node, contact: ContactInput) -> Iterator[Triple]:
    node = blank()
    yield subject, DCAT.contactPoint, node
    yield node, RDF.type, VCARD.Organization
    if contact.name:
        yield node, VCARD.fn, lang_literal(contact.name, "cs")
    if contact.email:
        yield node, VCARD.hasEmail, _mailto(contact.email)
    if contact.url:
        yield node, VCARD.hasURL, _iri(contact.url)


def dataset_triples(record: DatasetRecord, *, publisher: bool = True) -> list[Triple]:
    """Every DCAT-AP 3.0.1 triple of the dataset, its distributions, their data services and
    (unless ``publisher`` is off: a dump describes each publisher once) its publisher."""
    ds = record.dataset
    node = _iri(record.iri)
    out: list[Triple] = [(node, RDF.type, DCAT.Dataset)]
    add = out.append
    out.extend(lang_literals(node, DCTERMS.title, ds.title))
    out.extend(lang_literals(node, DCTERMS.description, ds.description))
    for lang, words in ds.keywords.items():
        for word in words:
            add((node, DCAT.keyword, lang_literal(word, lang)))
    add((node, DCTERMS.publisher, _iri(record.publisher.iri)))
    if publisher:
        out.extend(agent_triples(record.publisher))
    for theme in [*ds.themes, *ds.concepts]:
        add((node, DCAT.theme, _iri(theme)))
    for place in ds.spatial:
        add((node, DCTERMS.spatial, _iri(place)))
    if ds.bbox:
        location = blank()
        add((node, DCTERMS.spatial, location))
        add((location, RDF.type, DCTERMS.Location))
        add((location, DCAT.bbox, Literal(bbox_wkt(ds.bbox), datatype=GSP.wktLiteral)))
        add((location, DCAT.centroid, Literal(centroid_wkt(ds.bbox), datatype=GSP.wktLiteral)))
    if ds.temporal and (ds.temporal.start or ds.temporal.end):
        period = blank()
        add((node, DCTERMS.temporal, period))
        add((period, RDF.type, DCTERMS.PeriodOfTime))
        if ds.temporal.start:
            add((period, DCAT.startDate, date_literal(ds.temporal.start)))
        if ds.temporal.end:
            add((period, DCAT.endDate, date_literal(ds.temporal.end)))
    if ds.frequency:
        add((node, DCTERMS.accrualPeriodicity, _iri(ds.frequency)))
    if ds.landing_page:
        add((node, DCAT.landingPage, _iri(ds.landing_page)))
    if ds.documentation:
        add((node, FOAF.page, _iri(ds.documentation)))
    if ds.contact:
        out.extend(contact_triples(node, ds.contact))
    if ds.issued:
        add((node, DCTERMS.issued, date_literal(ds.issued)))
    if ds.modified:
        add((node, DCTERMS.modified, date_literal(ds.modified)))
    for identifier in ds.identifiers:
        ident = blank()
        add((node, ADMS.identifier, ident))
        add((ident, RDF.type, ADMS.Identifier))
        add((ident, SKOS.notation, Literal(identifier)))
        if identifier.startswith(("http://", "https://")):
            add((node, OWL.sameAs, _iri(identifier)))
    for law in ds.applicable_legislation:
        add((node, DCATAP.applicableLegislation, _iri(law)))
    for category in ds.hvd_categories:
        add((node, DCATAP.hvdCategory, _iri(category)))
    if record.series_iri:
        add((node, DCAT.inSeries, _iri(record.series_iri)))
    for dist in record.distributions:
        add((node, DCAT.distribution, _iri(dist.iri)))
        out.extend(distribution_triples(record, dist))
    return out


def distribution_triples(record: DatasetRecord, dist: DistributionRecord) -> Iterator[Triple]:
    item = dist.distribution
    node = _iri(dist.iri)
    yield node, RDF.type, DCAT.Distribution
    yield from lang_literals(node, DCTERMS.title, item.title)
    yield from lang_literals(node, DCTERMS.description, item.description)
    yield node, DCAT.accessURL, _iri(item.access_url)
    if item.download_url:
        yield node, DCAT.downloadURL, _iri(item.download_url)
    if item.format:
        yield node, DCTERMS.format, _iri(item.format)
    if item.media_type:
        yield node, DCAT.mediaType, _iri(IANA_MEDIA_TYPES + item.media_type)
    if item.byte_size is not None:
        yield node, DCAT.byteSize, Literal(item.byte_size, datatype=XSD.nonNegativeInteger)
    if item.license:
        yield node, DCTERMS.license, _iri(item.license)
    if item.issued:
        yield node, DCTERMS.issued, date_literal(item.issued)
    if item.modified:
        yield node, DCTERMS.modified, date_literal(item.modified)
    if record.dataset.hvd_categories:
        for law in record.dataset.applicable_legislation:
            yield node, DCATAP.applicableLegislation, _iri(law)
    if item.access_service and dist.service_iri:
        yield node, DCAT.accessService, _iri(dist.service_iri)
        yield from service_triples(record, dist.service_iri, item.access_service)


def service_triples(record: DatasetRecord, iri: str, service: Any) -> Iterator[Triple]:
    """A data service; besides its own fields it carries what DCAT-AP recommends and the HVD
    rules require (publisher, contact, themes, documentation, legislation, category)."""
    ds = record.dataset
    node = _iri(iri)
    yield node, RDF.type, DCAT.DataService
    yield from lang_literals(node, DCTERMS.title, service.title)
    yield from lang_literals(node, DCTERMS.description, service.description)
    yield node, DCAT.endpointURL, _iri(service.endpoint_url)
    if service.endpoint_description:
        yield node, DCAT.endpointDescription, _iri(service.endpoint_description)
    if service.license:
        yield node, DCTERMS.license, _iri(service.license)
    yield node, DCAT.servesDataset, _iri(record.iri)
    yield node, DCTERMS.publisher, _iri(record.publisher.iri)
    for theme in ds.themes:
        yield node, DCAT.theme, _iri(theme)
    for lang, words in ds.keywords.items():
        for word in words:
            yield node, DCAT.keyword, lang_literal(word, lang)
    if ds.contact:
        yield from contact_triples(node, ds.contact)
    if ds.hvd_categories:
        if ds.documentation:
            yield node, FOAF.page, _iri(ds.documentation)
        for law in ds.applicable_legislation:
            yield node, DCATAP.applicableLegislation, _iri(law)
        for category in ds.hvd_categories:
            yield node, DCATAP.hvdCategory, _iri(category)


def catalog_triples(catalog: CatalogRecord, dataset_iris: Iterable[str] = ()) -> list[Triple]:
    """The dcat:Catalog node, its publisher, and ``dcat:dataset`` links to ``dataset_iris``."""
    node = _iri(catalog.iri)
    out: list[Triple] = [(node, RDF.type, DCAT.Catalog)]
    out.extend(lang_literals(node, DCTERMS.title, catalog.title))
    out.extend(lang_literals(node, DCTERMS.description, catalog.description))
    out.append((node, DCTERMS.publisher, _iri(catalog.publisher.iri)))
    out.extend(agent_triples(catalog.publisher))
    if catalog.homepage:
        out.append((node, FOAF.homepage, _iri(catalog.homepage)))
    for code in ("CES", "ENG"):
        out.append((node, DCTERMS.language, _iri(EU_LANGUAGE + code)))
    out.append((node, DCTERMS.spatial, _iri(voc.LIBEREC_REGION_IRI)))
    out.append((node, DCAT.themeTaxonomy, _iri(voc.THEME_BASE.rstrip("/"))))
    # The catalog's own metadata is open to all, as the national catalog republishes it.
    out.append((node, DCTERMS.license, _iri(voc.LICENCE_BASE + "CC0")))
    if catalog.issued:
        out.append((node, DCTERMS.issued, date_literal(catalog.issued)))
    if catalog.modified:
        out.append((node, DCTERMS.modified, date_literal(catalog.modified)))
    out.extend((node, DCAT.dataset, _iri(iri)) for iri in dataset_iris)
    return out


def to_graph(triples: Iterable[Triple]) -> Graph:
    from catalog.rdf.namespaces import new_graph

    graph = new_graph()
    for triple in triples:
        graph.add(triple)
    return graph


# --- parse ---------------------------------------------------------------------------------

def natural_key(value: str) -> tuple[Any, ...]:
    """Sort key that orders ``…/distributions/9`` before ``…/distributions/10``."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", value))


def lang_map(graph: Graph, node: Node, predicate: URIRef) -> dict[str, str]:
    """Language-tagged literals as {lang: text}; an untagged literal counts as Czech when no
    Czech one is given. Languages the catalog does not keep are left out."""
    texts: dict[str, str] = {}
    untagged: list[str] = []
    for value in sorted(graph.objects(node, predicate), key=str):
        if not isinstance(value, Literal):
            continue
        lang = (value.language or "").lower().split("-")[0]
        if not lang:
            untagged.append(str(value))
        elif lang in LANGUAGES and lang not in texts:
            texts[lang] = str(value)
    if "cs" not in texts and untagged:
        texts["cs"] = untagged[0]
    return {lang: texts[lang] for lang in LANGUAGES if lang in texts}


def lang_lists(graph: Graph, node: Node, predicate: URIRef) -> dict[str, list[str]]:
    words: dict[str, list[str]] = {}
    for value in graph.objects(node, predicate):
        if isinstance(value, Literal):
            lang = (value.language or "cs").lower().split("-")[0]
            if lang in LANGUAGES:
                words.setdefault(lang, []).append(str(value))
    return {lang: sorted(set(words[lang])) for lang in LANGUAGES if lang in words}


def iris_of(graph: Graph, node: Node, predicate: URIRef) -> list[str]:
    return sorted({str(v) for v in graph.objects(node, predicate) if isinstance(v, URIRef)})


def one_iri(graph: Graph, node: Node, predicate: URIRef) -> str | None:
    found = iris_of(graph, node, predicate)
    if found:
        return found[0]
    # Some publishers give URLs as literals; accept them.
    literals = sorted(str(v) for v in graph.objects(node, predicate) if isinstance(v, Literal))
    return literals[0] if literals else None


def one_date(graph: Graph, node: Node, predicate: URIRef) -> date | None:
    for value in graph.objects(node, predicate):
        if isinstance(value, Literal):
            python = value.toPython()
            if isinstance(python, datetime):
                return python.date()
            if isinstance(python, date):
                return python
            try:
                return date.fromisoformat(str(value)[:10])
            except ValueError:
                continue
    return None


def parse_bbox(graph: Graph, node: Node) -> list[float] | None:
    for location in graph.objects(node, DCTERMS.spatial):
        for predicate in (DCAT.bbox, LOCN.geometry):
            for value in graph.objects(location, predicate):
                numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?(?:[eE]-?\d+)?",
                                                        str(value))]
                if str(value).lstrip().upper().startswith("POLYGON") and len(numbers) >= 8:
                    xs, ys = numbers[0::2], numbers[1::2]
                    return [min(xs), min(ys), max(xs), max(ys)]
    return None


def parse_contact(graph: Graph, node: Node) -> dict[str, Any] | None:
    for contact in graph.objects(node, DCAT.contactPoint):
        names = [str(v) for v in graph.objects(contact, VCARD.fn) if isinstance(v, Literal)]
        email = one_iri(graph, contact, VCARD.hasEmail)
        url = one_iri(graph, contact, VCARD.hasURL)
        values = {"name": sorted(names)[0] if names else None,
                  "email": email.removeprefix("mailto:") if email else None,
                  "url": url}
        if any(values.values()):
            return values
    return None


def parse_temporal(graph: Graph, node: Node) -> dict[str, Any] | None:
    for period in graph.objects(node, DCTERMS.temporal):
        start = one_date(graph, period, DCAT.startDate) or one_date(graph, period, SCHEMA_START)
        end = one_date(graph, period, DCAT.endDate) or one_date(graph, period, SCHEMA_END)
        if start or end:
            return {"start": start, "end": end}
    return None


def parse_identifiers(graph: Graph, node: Node) -> list[str]:
    found: set[str] = set()
    for ident in graph.objects(node, ADMS.identifier):
        if isinstance(ident, URIRef):
            found.add(str(ident))
        found.update(str(v) for v in graph.objects(ident, SKOS.notation))
    found.update(iris_of(graph, node, OWL.sameAs))
    return sorted(found)


def dataset_values(graph: Graph, node: Node) -> dict[str, Any]:
    """The DatasetInput fields (except slug, publisher and distributions) of a dataset node."""
    themes = iris_of(graph, node, DCAT.theme)
    spatial = [iri for iri in iris_of(graph, node, DCTERMS.spatial)
               if iri.startswith(voc.RUIAN_BASE)]
    return {
        "title": lang_map(graph, node, DCTERMS.title),
        "description": lang_map(graph, node, DCTERMS.description),
        "keywords": lang_lists(graph, node, DCAT.keyword),
        "themes": [t for t in themes if t.startswith(voc.THEME_BASE)],
        "concepts": [t for t in themes if not t.startswith(voc.THEME_BASE)],
        "identifiers": parse_identifiers(graph, node),
        "applicable_legislation": iris_of(graph, node, DCATAP.applicableLegislation),
        "hvd_categories": iris_of(graph, node, DCATAP.hvdCategory),
        "spatial": spatial,
        "bbox": parse_bbox(graph, node),
        "temporal": parse_temporal(graph, node),
        "frequency": one_iri(graph, node, DCTERMS.accrualPeriodicity),
        "landing_page": one_iri(graph, node, DCAT.landingPage),
        "documentation": one_iri(graph, node, FOAF.page),
        "contact": parse_contact(graph, node),
        "issued": one_date(graph, node, DCTERMS.issued),
        "modified": one_date(graph, node, DCTERMS.modified),
    }


def service_values(graph: Graph, node: Node) -> dict[str, Any]:
    endpoint = one_iri(graph, node, DCAT.endpointURL)
    return {
        "title": lang_map(graph, node, DCTERMS.title),
        "description": lang_map(graph, node, DCTERMS.description),
        "endpoint_url": endpoint,
        "endpoint_description": one_iri(graph, node, DCAT.endpointDescription),
        "license": one_iri(graph, node, DCTERMS.license),
    }


def distribution_values(graph: Graph, node: Node) -> dict[str, Any]:
    media_type = one_iri(graph, node, DCAT.mediaType)
    size = next((v for v in graph.objects(node, DCAT.byteSize) if isinstance(v, Literal)), None)
    values: dict[str, Any] = {
        "title": lang_map(graph, node, DCTERMS.title),
        "description": lang_map(graph, node, DCTERMS.description),
        "access_url": one_iri(graph, node, DCAT.accessURL),
        "download_url": one_iri(graph, node, DCAT.downloadURL),
        "format": one_iri(graph, node, DCTERMS.format),
        "media_type": media_type.removeprefix(IANA_MEDIA_TYPES) if media_type else None,
        "byte_size": int(float(str(size))) if size is not None else None,
        "license": one_iri(graph, node, DCTERMS.license),
        "issued": one_date(graph, node, DCTERMS.issued),
        "modified": one_date(graph, node, DCTERMS.modified),
    }
    service = next(iter(graph.objects(node, DCAT.accessService)), None)
    if service is not None:
        values["access_service"] = service_values(graph, service)
    return values


def agent_values(graph: Graph, node: Node) -> dict[str, Any]:
    """The AgentInput fields (except slug) of a publisher node."""
    name = lang_map(graph, node, FOAF.name)
    if not name:
        name = lang_map(graph, node, VCARD.fn)
    homepage = one_iri(graph, node, FOAF.homepage)
    mbox = one_iri(graph, node, FOAF.mbox)
    ico = next((str(v) for v in graph.objects(node, DCTERMS.identifier)
                if re.fullmatch(r"\d{8}", str(v))), None)
    if ico is None and isinstance(node, URIRef):
        match = re.search(r"/(?:orgán-veřejné-moci|ovm)/(\d{8})$", str(node))
        ico = match.group(1) if match else None
    return {"name": name, "homepage": homepage,
            "email": mbox.removeprefix("mailto:") if mbox else None, "ico": ico}
