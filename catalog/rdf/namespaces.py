"""The RDF vocabularies of DCAT-AP 3 and DCAT-AP-CZ, bound once for every graph we write."""

from __future__ import annotations

from typing import Any

from rdflib import Graph, Namespace, URIRef
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


class Terms:
    """A namespace whose terms are built once and then read as plain attributes: rdflib's
    ``Namespace.__getattr__`` builds a new URIRef on every access, which dominates a bulk
    export's profile."""

    def __init__(self, base: Any) -> None:  # a namespace IRI, Namespace or DefinedNamespace
        self._base = str(base)

    def __getattr__(self, name: str) -> URIRef:  # only called when the attribute is missing
        if name.startswith("__"):
            raise AttributeError(name)
        term = URIRef(self._base + name)
        setattr(self, name, term)
        return term

    def __getitem__(self, name: str) -> URIRef:
        found: Any = getattr(self, name)
        return found


T_ADMS, T_DCAT, T_DCATAP, T_DCT = Terms(ADMS), Terms(DCAT), Terms(DCATAP), Terms(DCTERMS)
T_FOAF, T_GSP, T_LOCN, T_OWL = Terms(FOAF), Terms(GSP), Terms(LOCN), Terms(OWL)
T_PU, T_RDF, T_SKOS, T_VCARD = Terms(PU), Terms(RDF), Terms(SKOS), Terms(VCARD)
T_XSD = Terms(XSD)
