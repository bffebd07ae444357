"""LIDO import (parser, streaming, hardened XML) and LIDO 1.1 export validated by the official
XSD over every demo object."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from lxml import etree
from sqlmodel import Session, select

from catalog.models import Agent, CollectionObject
from catalog.museum.lido import L, LidoFileError, iter_lido, lido_to_object
from catalog.museum.lido_export import absolute, iter_dump, object_to_lido, to_bytes
from catalog.museum.safexml import XmlError, iterparse, parse_bytes
from portal.state import state
from tests.conftest import BASE_URL
from tests.lido_records import BILLION_LAUGHS, external_entity, record, wrap
from tests.museum_files import HAMBURG, UFFIZI, shared_file


def read_one(xml: str, number: int = 1) -> Any:
    return lido_to_object(etree.fromstring(xml.encode()), institution="smlb", number=number)


def demo_records(app: Flask) -> list[tuple[CollectionObject, Agent]]:
    with Session(state(app).engine) as session:
        agents = {a.id: a for a in session.exec(select(Agent))}
        return [(o, agents[o.institution_id]) for o in session.exec(
            select(CollectionObject).order_by(CollectionObject.id))]


def test_czech_record_maps_every_evidence_field() -> None:
    result = read_one(record())
    assert result.errors == []
    obj = result.object
    assert result.rec_id == "CZ-SMLB/H 1234"
    assert (obj.inventory_number, obj.accession_number) == ("H 1234", "12/1956")
    assert obj.title == {"cs": "Džbán s cínovým víčkem", "en": "Jug with a pewter lid"}
    assert (obj.object_type, obj.classification, obj.collection) == ("džbán", ["keramika"],
                                                                     "Historická")
    assert obj.description == {"cs": "Fajánsový džbán s malovaným květinovým dekorem."}
    assert [m.model_dump() for m in obj.measurements] == [
        {"type": "výška", "value": 24.5, "unit": "cm"}]
    production = obj.production
    assert (production.maker, production.date, production.earliest_year,
            production.latest_year, production.place) == ("habánská dílna", "kolem 1680",
                                                          1675, 1685, "Sobotiště")
    assert (obj.materials, obj.techniques) == (["fajáns", "cín"], ["malba"])
    assert obj.acquisition == "dar, 1956"
    assert obj.subjects == ["rostlinný motiv"]
    assert obj.esbirky_url == "https://www.esbirky.cz/predmet/123456"
    # https and deed forms are normalised to the URIs Europeana accepts
    assert obj.rights == "http://creativecommons.org/publicdomain/zero/1.0/"
    [image] = obj.images
    assert image.url == "https://img.muzeumlb.cz/h1234.jpg"  # the master, not the thumbnail
    assert image.rights == "http://creativecommons.org/licenses/by-nc-sa/4.0/"
    assert image.caption == {"cs": "Džbán, pohled zepředu"}


@pytest.mark.parametrize(("xml", "field", "message"), [
    (record(rec_id=None), "lidoRecID", "missing lidoRecID"),
    (record(record_type_first=False), "recordWrap", "recordType is out of schema order"),
    (record(height="vysoký"), "measurementsSet[1]/measurementValue", "is not a number"),
    (record(inventory=""), "repositorySet/workID", "inventory number"),
    (re.sub(r"<lido:titleSet>.*?</lido:titleSet>",
            "<lido:titleSet><lido:appellationValue/></lido:titleSet>", record(), flags=re.S),
     "titleSet/appellationValue", "title"),
    (record().replace("<lido:objectPublishedID",
                      '<x:note xmlns:x="http://example.org/x">?</x:note><lido:objectPublishedID'),
     "lido", "not in the LIDO namespace"),
])
def test_invalid_record_is_reported_with_its_number_field_and_message(
        xml: str, field: str, message: str) -> None:
    result = read_one(xml, number=7)
    assert result.object is None
    assert any(p.record == 7 and p.field == field and message in p.message
               for p in result.errors), result.errors


def test_unknown_rights_are_dropped_with_a_warning_not_an_error() -> None:
    xml = record().replace("https://creativecommons.org/licenses/by-nc-sa/4.0/deed.cs",
                           "https://example.org/all-rights-reserved")
    result = read_one(xml)
    assert result.ok and result.object.images[0].rights is None
    assert [w.field for w in result.warnings] == ["resourceSet[1]/rightsResource"]


def test_a_file_streams_valid_and_invalid_records_numbered_in_order() -> None:
    data = wrap(record(), record(rec_id=None, inventory="H 2"), record(inventory="H 3"))
    results = list(iter_lido(io.BytesIO(data), institution="smlb"))
    assert [r.number for r in results] == [1, 2, 3]
    assert [r.ok for r in results] == [True, False, True]
    assert results[2].object.inventory_number == "H 3"
    assert results[1].errors[0].record == 2


def test_streaming_keeps_only_the_current_record_in_memory() -> None:
    data = wrap(*(record(inventory=f"H {n}") for n in range(300)))
    held = []
    for element in iterparse(io.BytesIO(data), L + "lido"):
        held.append(len(element.getparent()))
    # what the parser has read ahead, never the records already handed out
    assert len(held) == 300 and max(held) < 20


@pytest.mark.parametrize("data", [
    b'<lidoWrap xmlns="http://example.org/not-lido"><lido/></lidoWrap>',
    b"<html><body>not LIDO</body></html>",
])
def test_a_document_of_another_namespace_is_refused_naming_its_root(data: bytes) -> None:
    with pytest.raises(LidoFileError, match="root element"):
        list(iter_lido(io.BytesIO(data), institution="smlb"))


def test_malformed_xml_after_good_records_keeps_them_and_then_fails() -> None:
    data = wrap(record(), record(inventory="H 2")).replace(b"</lido:lidoWrap>", b"<broken")
    seen = []
    with pytest.raises(LidoFileError, match="not well-formed"):
        for result in iter_lido(io.BytesIO(data), institution="smlb"):
            seen.append(result.number)
    assert seen == [1, 2]


def test_billion_laughs_is_refused_without_expanding_anything() -> None:
    with pytest.raises(LidoFileError, match="DOCTYPE"):
        list(iter_lido(io.BytesIO(BILLION_LAUGHS), institution="smlb"))
    with pytest.raises(XmlError, match="DOCTYPE"):
        parse_bytes(BILLION_LAUGHS)


def test_external_entity_is_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    data = external_entity(str(secret))
    with pytest.raises(LidoFileError, match="DOCTYPE") as caught:
        list(iter_lido(io.BytesIO(data), institution="smlb"))
    assert "TOP-SECRET" not in str(caught.value)
    with pytest.raises(XmlError, match="DOCTYPE"):
        parse_bytes(data)


def test_public_minimum_record_of_the_ddb_is_read() -> None:
    [result] = iter_lido(str(shared_file(HAMBURG)), institution="mkg")
    assert result.ok, result.errors
    obj = result.object
    assert (result.rec_id, obj.inventory_number) == ("DE-MUS-059918/dc00018494", "1977.20")
    assert obj.production.maker.startswith("Fiammingo, Giacomo")
    assert (obj.production.earliest_year, obj.production.latest_year) == (1596, 1605)
    assert {"type": "Breite", "value": 101.1, "unit": "cm"} in [
        m.model_dump() for m in obj.measurements]
    assert obj.techniques == ["Gravierung"] and "Ebenholz" in obj.materials
    assert len(obj.images) == 3
    # a German record: the title is kept in German and also shown as the Czech fallback
    assert obj.title["de"] == obj.title["cs"] == "Kabinettschrank, Inv. Nr.: 1977.20"
    assert any("no Czech title" in w.message for w in result.warnings)


def test_official_lido_1_1_example_with_skos_concepts_is_read() -> None:
    [result] = iter_lido(str(shared_file(UFFIZI)), institution="uffizi")
    assert result.ok, result.errors
    obj = result.object
    assert obj.object_type == "Gemälde"  # from the embedded skos:Concept's prefLabel
    assert obj.title["en"] == "Spring" and obj.inventory_number == "8360 (Inv. 1890)"
    assert obj.production.maker == "Botticelli, Sandro"
    assert obj.rights == "http://creativecommons.org/publicdomain/zero/1.0/"


def test_every_demo_object_exports_valid_lido_1_1(demo_app: Flask, lido_schema: Any) -> None:
    records = demo_records(demo_app)
    assert len(records) > 300
    for obj, institution in records:
        document = etree.fromstring(to_bytes(object_to_lido(obj, institution,
                                                            base_url=BASE_URL)))
        assert lido_schema.validate(document), (obj.inventory_number, lido_schema.error_log)


def test_streamed_dump_is_valid_and_reads_back_as_the_same_records(
        demo_app: Flask, lido_schema: Any) -> None:
    records = demo_records(demo_app)
    dump = b"".join(iter_dump(records, base_url=BASE_URL))
    assert lido_schema.validate(etree.fromstring(dump)), lido_schema.error_log
    by_iri = {obj.iri: (obj, institution) for obj, institution in records}
    read = list(iter_lido(io.BytesIO(dump), institution="x"))
    assert len(read) == len(records) and all(r.ok for r in read)
    for result in read:
        obj, _ = by_iri[result.rec_id]
        back = result.object
        assert back.title == obj.title and back.description == obj.description
        assert (back.inventory_number, back.accession_number, back.collection) == (
            obj.inventory_number, obj.accession_number, obj.collection)
        assert (back.object_type, back.classification) == (obj.object_type, obj.classification)
        assert (back.materials, back.techniques, back.subjects) == (
            obj.materials, obj.techniques, obj.subjects)
        assert [m.model_dump() for m in back.measurements] == obj.measurements
        assert (back.production.maker, back.production.date, back.production.earliest_year,
                back.production.latest_year, back.production.place) == (
            obj.maker, obj.production_date, obj.earliest_year, obj.latest_year,
            obj.production_place)
        assert back.rights == obj.rights
        assert [(i.url, i.rights, i.caption) for i in back.images] == [
            (absolute(BASE_URL, i["url"]), i.get("rights"), i.get("caption") or {})
            for i in obj.images]
