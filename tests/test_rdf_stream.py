"""The streaming writers give the same graph as rdflib's own serializers, in every syntax."""

from __future__ import annotations

import io
import json

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from catalog.rdf import (
    CONTEXT_2024,
    dcat_ap_3,
    dcat_ap_cz,
    parse_lkod_catalog,
    parse_rdf,
    record_from_input,
)
from catalog.rdf.records import CatalogRecord
from catalog.rdf.stream import write_catalog, write_lkod
from catalog.schemas import AgentInput, DatasetInput, parse_input
from tests.conftest import BASE_URL
from tests.records import PUBLISHER, dataset
from tests.test_rdf_profiles import full_dataset

SYNTAX = {"nt": "nt", "ttl": "turtle", "jsonld": "json-ld", "rdf": "xml"}


def records() -> list:
    publisher = AgentInput(**PUBLISHER)
    tricky = parse_input(DatasetInput, dataset(
        slug="uvozovky", description={"cs": 'Řádek "jedna"\nřádek \\ dvě <a> & </b>'}))
    return [record_from_input(d, publisher, base_url=BASE_URL)
            for d in (full_dataset(), tricky)]


def catalog(publisher: object) -> CatalogRecord:
    return CatalogRecord(iri=f"{BASE_URL}/catalog", title={"cs": "Katalog"},
                         description={"cs": "Popis"}, publisher=publisher)  # type: ignore


@pytest.mark.parametrize("fmt", ["nt", "ttl", "jsonld", "rdf"])
def test_streamed_output_is_the_graph_of_the_profile(fmt: str) -> None:
    recs = records()
    cat = catalog(recs[0].publisher)
    out = io.StringIO()
    assert write_catalog(out, recs, fmt, catalog=cat) == 2
    expected = Graph()
    for rec in recs:
        for triple in dcat_ap_cz.dataset_triples(rec):
            expected.add(triple)
        expected.add((dcat_ap_3.URIRef(cat.iri), dcat_ap_3.DCAT.dataset,
                      dcat_ap_3.URIRef(rec.iri)))
    for triple in dcat_ap_3.catalog_triples(cat):
        expected.add(triple)
    assert isomorphic(parse_rdf(out.getvalue(), SYNTAX[fmt]), expected)


def test_lkod_dump_holds_the_catalog_and_every_record() -> None:
    recs = records()
    out = io.StringIO()
    assert write_lkod(out, catalog(recs[0].publisher), recs) == 2
    document = json.loads(out.getvalue())
    assert document["@context"] == CONTEXT_2024
    assert parse_lkod_catalog(document) == sorted(r.iri for r in recs)
