"""EDM and oai_dc exports: Europeana's XSD and content rules over every demo object, rights
normalisation, content types, links to eSbírky and Europeana, and the export endpoints."""

from __future__ import annotations

from typing import Any

import pytest
import rdflib
from flask import Flask
from flask.testing import FlaskClient
from lxml import etree
from sqlmodel import Session, select

from catalog.models import Agent, CollectionObject
from catalog.museum import edm
from catalog.museum.dc import object_to_dc
from catalog.museum.lido import LIDO_NS
from catalog.museum.rights import known, normalise
from portal.state import state
from tests.conftest import BASE_URL
from tests.europeana_rules import NS, violations

MUSEUM = Agent(id=1, slug="smlb", iri=f"{BASE_URL}/institutions/smlb", kind="institution",
               name={"cs": "Severočeské muzeum v Liberci"})


def museum_object(**changes: Any) -> CollectionObject:
    values: dict[str, Any] = {
        "id": 7, "iri": f"{BASE_URL}/objects/7", "state": "published", "institution_id": 1,
        "inventory_number": "K 12", "title": {"cs": "Kancionál"}, "object_type": "kniha",
        "description": {}, "classification": [], "materials": [], "techniques": [],
        "measurements": [], "subjects": [], "images": [],
    }
    values.update(changes)
    return CollectionObject(**values)


def export(obj: CollectionObject) -> etree._Element:
    return edm.object_to_edm(obj, MUSEUM, base_url=BASE_URL, provider="Liberecký kraj")


@pytest.mark.parametrize(("given", "expected"), [
    ("https://creativecommons.org/licenses/by/4.0/", "http://creativecommons.org/licenses/by/4.0/"),
    ("http://creativecommons.org/licenses/by-sa/4.0", "http://creativecommons.org/licenses/by-sa/4.0/"),
    ("https://creativecommons.org/licenses/by-nc/4.0/deed.cs",
     "http://creativecommons.org/licenses/by-nc/4.0/"),
    ("https://creativecommons.org/publicdomain/zero/1.0/legalcode",
     "http://creativecommons.org/publicdomain/zero/1.0/"),
    ("https://rightsstatements.org/page/InC-EDU/1.0/?language=cs",
     "http://rightsstatements.org/vocab/InC-EDU/1.0/"),
    ("https://example.org/licence", "https://example.org/licence"),
])
def test_rights_uris_are_normalised_to_europeanas_form(given: str, expected: str) -> None:
    assert normalise(given) == expected


def test_rights_codes_and_uri_forms_resolve_to_the_vocabulary() -> None:
    assert known("CC-BY-4.0") == known("https://creativecommons.org/licenses/by/4.0/deed.en")
    assert known("https://example.org/licence") is None


def test_every_demo_object_exports_edm_valid_against_the_xsd_and_europeanas_rules(
        demo_app: Flask, demo_client: FlaskClient, edm_schema: Any) -> None:
    with Session(state(demo_app).engine) as session:
        ids = list(session.exec(select(CollectionObject.id)))
    assert len(ids) > 300
    for object_id in ids:
        response = demo_client.get(f"/objects/{object_id}.edm.xml")
        assert response.status_code == 200
        assert response.mimetype == "application/rdf+xml"
        root = etree.fromstring(response.data)
        assert edm_schema.validate(root), (object_id, edm_schema.error_log)
        assert violations(root) == []
        assert root.xpath("string(ore:Aggregation/edm:provider)", namespaces=NS) \
            == "Liberecký kraj"
        assert root.xpath("ore:Aggregation/edm:isShownAt/@rdf:resource", namespaces=NS) == [
            f"{BASE_URL}/objects/{object_id}"]


def test_each_institution_dump_is_one_valid_edm_document(demo_client: FlaskClient,
                                                        edm_schema: Any) -> None:
    response = demo_client.get("/institutions/oblastni-galerie-liberec/objects.edm.xml")
    assert response.status_code == 200 and response.is_streamed
    root = etree.fromstring(response.data)
    assert edm_schema.validate(root), edm_schema.error_log
    assert len(root.xpath("edm:ProvidedCHO", namespaces=NS)) == 65
    assert violations(root) == []


def test_the_rule_check_catches_what_europeana_refuses() -> None:
    root = export(museum_object(images=[{"url": "/static/a.png"}]))
    aggregation = root.find(f"{{{NS['ore']}}}Aggregation")
    aggregation.find(f"{{{NS['edm']}}}rights").set(
        f"{{{NS['rdf']}}}resource", "https://creativecommons.org/licenses/by/4.0/")
    aggregation.remove(aggregation.find(f"{{{NS['edm']}}}dataProvider"))
    cho = root.find(f"{{{NS['edm']}}}ProvidedCHO")
    cho.remove(cho.find(f"{{{NS['dc']}}}language"))
    found = " | ".join(violations(root))
    assert "edm:rights" in found and "no edm:dataProvider" in found
    assert "TEXT without dc:language" in found


def test_a_book_is_text_with_a_language_and_a_painting_an_image() -> None:
    book = export(museum_object())
    assert book.xpath("string(edm:ProvidedCHO/edm:type)", namespaces=NS) == "TEXT"
    assert book.xpath("edm:ProvidedCHO/dc:language/text()", namespaces=NS) == ["und"]
    painting = export(museum_object(object_type="obraz"))
    assert painting.xpath("string(edm:ProvidedCHO/edm:type)", namespaces=NS) == "IMAGE"
    assert painting.xpath("edm:ProvidedCHO/dc:language", namespaces=NS) == []
    assert violations(book) == [] and violations(painting) == []


def test_rights_come_from_the_image_then_the_record_then_not_evaluated() -> None:
    def rights(obj: CollectionObject) -> str:
        return export(obj).xpath("string(ore:Aggregation/edm:rights/@rdf:resource)",
                                 namespaces=NS)

    by_sa = "http://creativecommons.org/licenses/by-sa/4.0/"
    cc0 = "http://creativecommons.org/publicdomain/zero/1.0/"
    assert rights(museum_object(rights=cc0, images=[{"url": "/a.jpg", "rights": by_sa}])) == by_sa
    assert rights(museum_object(rights=cc0, images=[{"url": "/a.jpg"}])) == cc0
    assert rights(museum_object()) == "http://rightsstatements.org/vocab/CNE/1.0/"


def test_esbirky_and_europeana_records_are_owl_same_as(edm_schema: Any) -> None:
    obj = museum_object(esbirky_url="https://www.esbirky.cz/predmet/123",
                        europeana_url="https://www.europeana.eu/item/2048128/123",
                        images=[{"url": "/static/a.jpg"}, {"url": "https://img.test/b.png"}])
    root = export(obj)
    assert edm_schema.validate(root), edm_schema.error_log
    graph = rdflib.Graph().parse(data=edm.to_bytes(root), format="xml")
    cho = rdflib.URIRef(obj.iri)
    assert set(graph.objects(cho, rdflib.OWL.sameAs)) == {
        rdflib.URIRef("https://www.esbirky.cz/predmet/123"),
        rdflib.URIRef("https://www.europeana.eu/item/2048128/123")}
    edm_ns = rdflib.Namespace(NS["edm"])
    aggregation = rdflib.URIRef(f"{obj.iri}#aggregation")
    assert graph.value(aggregation, edm_ns.isShownBy) == rdflib.URIRef(
        f"{BASE_URL}/static/a.jpg")
    assert graph.value(aggregation, edm_ns.hasView) == rdflib.URIRef("https://img.test/b.png")


def test_oai_dc_carries_title_identifiers_and_rights() -> None:
    root = object_to_dc(museum_object(maker="Jan Kozel"), MUSEUM, base_url=BASE_URL)
    dc = {"dc": NS["dc"]}
    assert root.xpath("dc:title/text()", namespaces=dc) == ["Kancionál"]
    assert root.xpath("dc:creator/text()", namespaces=dc) == ["Jan Kozel"]
    assert f"{BASE_URL}/objects/7" in root.xpath("dc:identifier/text()", namespaces=dc)
    assert root.xpath("dc:rights/text()", namespaces=dc) == [
        "http://rightsstatements.org/vocab/CNE/1.0/"]


def test_object_lido_endpoint_and_institution_dump(demo_client: FlaskClient,
                                                   lido_schema: Any) -> None:
    page = demo_client.get("/objects/1")
    assert b"/objects/1.lido.xml" in page.data and b"/objects/1.edm.xml" in page.data
    one = demo_client.get("/objects/1.lido.xml")
    assert one.status_code == 200 and lido_schema.validate(etree.fromstring(one.data))
    dump = demo_client.get("/institutions/muzeum-ceskeho-raje-v-turnove/objects.lido.xml")
    root = etree.fromstring(dump.data)
    assert lido_schema.validate(root), lido_schema.error_log
    assert len(root.findall(f"{{{LIDO_NS}}}lido")) == 65


@pytest.mark.parametrize("path", ["/objects/999999.lido.xml", "/objects/999999.edm.xml",
                                  "/institutions/nikde/objects.lido.xml",
                                  "/institutions/liberecky-kraj/objects.edm.xml"])
def test_unknown_objects_and_institutions_are_404(demo_client: FlaskClient, path: str) -> None:
    assert demo_client.get(path).status_code == 404


def test_characters_xml_cannot_carry_are_dropped_not_exported(lido_schema: Any,
                                                             edm_schema: Any) -> None:
    from catalog.museum.lido_export import object_to_lido

    obj = museum_object(title={"cs": "Kancionál\x0b s\x00 notami"}, maker="Jan\x1f Kozel")
    assert violations(export(obj)) == []
    assert edm_schema.validate(export(obj))
    lido = object_to_lido(obj, MUSEUM, base_url=BASE_URL)
    assert lido_schema.validate(lido)
    assert "Kancionál s notami" in etree.tostring(lido, encoding="unicode")
