"""The fast reader of harvested Turtle and N-Triples pages (oxigraph's parser into an indexed
rdflib graph) reads the same graph as rdflib's own parser."""

from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, RDF

from catalog.rdf.indexed import read_graph
from catalog.rdf.parse import parse_rdf
from tests.test_harvest_dcat import PREFIXES, PUBLISHER, turtle_dataset

PAGE = "https://data.jablonec.test/catalog.ttl?page=1"
EXTRA = """
<https://data.jablonec.test/dataset/ovzdusi-1> dcat:byteSize "1024"^^xsd:decimal ;
  dct:modified "2024-03-01T10:00:00"^^xsd:dateTime ; dct:identifier "ovz-1" ;
  dct:temporal [ a dct:PeriodOfTime ; dcat:startDate "2020-01-01"^^xsd:date ] .
<?page=1> a hydra:PartialCollectionView ; hydra:next <?page=2> .
"""


def test_a_page_reads_as_the_same_graph_as_rdflib_reads_it() -> None:
    body = (PREFIXES + PUBLISHER + turtle_dataset(1) + turtle_dataset(2) + EXTRA).encode()
    fast = read_graph(body, "text/turtle", PAGE)
    # rdflib resolves a query-only reference against the directory (not RFC 3986): the
    # harvester makes those absolute before rdflib reads a page, as done here.
    absolute = body.replace(b"<?page=", b"<https://data.jablonec.test/catalog.ttl?page=")
    slow = parse_rdf(f"@base <{PAGE}> .\n".encode() + absolute, "text/turtle")
    assert fast is not None and len(fast) == len(slow) > 40
    assert isomorphic(fast, slow)
    dataset = URIRef("https://data.jablonec.test/dataset/ovzdusi-1")
    assert set(fast.subjects(RDF.type, DCAT.Dataset)) == set(slow.subjects(RDF.type,
                                                                            DCAT.Dataset))
    assert Literal("Kvalita ovzduší 1", lang="cs") in set(fast.objects(dataset, DCTERMS.title))
    assert set(fast.objects(dataset, DCTERMS.identifier)) == {Literal("ovz-1")}
    hydra_next = URIRef("http://www.w3.org/ns/hydra/core#next")
    assert list(fast.objects(URIRef(PAGE), hydra_next)) == [
        URIRef("https://data.jablonec.test/catalog.ttl?page=2")]


def test_a_document_oxigraph_refuses_is_left_to_rdflib() -> None:
    cut = (PREFIXES + '<https://x.test/d> a dcat:Dataset ; dct:title "cut').encode()
    assert read_graph(cut, "text/turtle", PAGE) is None
    assert read_graph(b"<a> <b> <c> .", "application/rdf+xml", PAGE) is None
