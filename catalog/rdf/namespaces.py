"""The RDF vocabularies of DCAT-AP 3 and DCAT-AP-CZ, bound once for every graph we write."""

from __future__ import annotations

from rdflib import Graph, Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, RDFS, SKOS, XSD

ADMS = Namespace("http://www.w3.org/ns/adms#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
GSP = Namespace("http://www.opengis.net/ont/geosparql#")
PU = Namespace("https://data.gov.cz/slovník/podmínky-užití/")
SCHEMA = Namespace("http://schema.org/")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
IANA_MEDIA_TYPES = "http://www.iana.org/assignments/media-types/"
RPP_OVM = "https://rpp-opendata.egon.gov.cz/odrpp/zdroj/orgán-veřejné-moci/"

PREFIXES: dict[str, Namespace] = {
    "adms": ADMS,
    "dcat": Namespace(str(DCAT)),
    "dcatap": DCATAP,
    "dct": Namespace(str(DCTERMS)),
    "foaf": Namespace(str(FOAF)),
    "gsp": GSP,
    "hydra": HYDRA,
    "locn": LOCN,
    "owl": Namespace(str(OWL)),
    "pu": PU,
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "skos": Namespace(str(SKOS)),
    "spdx": SPDX,
    "vcard": VCARD,
    "xsd": Namespace(str(XSD)),
}


def new_graph() -> Graph:
    """An empty graph with our prefixes bound (and rdflib's defaults dropped)."""
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph
