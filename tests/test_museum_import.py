"""Curators' uploads: the CSV of Czech evidence fields, LIDO files and zips, validated into a
per-record report, then published (all, or only the valid ones) without touching what the
register already holds."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from catalog.db import transaction
from catalog.errors import ValidationError
from catalog.models import Agent, AgentKind, CollectionObject, RecordState
from catalog.museum.csv_import import COLUMNS, CsvFileError, iter_csv, parse_dating, template
from catalog.museum.imports import (
    get_import,
    process_import,
    publish_import,
    report,
    start_import,
)
from catalog.museum.models import ImportStatus
from catalog.museum.uploads import DEFAULT_LIMITS, Limits, Notes, UploadError, iter_upload
from catalog.objects import create_object
from catalog.services import upsert_agent
from tests.conftest import BASE_URL
from tests.lido_records import BILLION_LAUGHS, record, wrap
from tests.records import MUSEUM, museum_object

HEADER = ";".join(c.header for c in COLUMNS)


def csv_file(*lines: str, header: str = HEADER) -> str:
    return "\r\n".join((header, *lines)) + "\r\n"


def row(inventory: str = "H 1", title: str = "Džbán", **cells: str) -> str:
    values = {c.key: "" for c in COLUMNS}
    values.update(inventory=inventory, title=title, **cells)
    return ";".join(values[c.key] for c in COLUMNS)


def read(text: str | bytes) -> list:
    data = text.encode() if isinstance(text, str) else text
    _, _, records = iter_csv(data, institution="severoceske-muzeum")
    return list(records)


def test_the_published_template_reads_as_one_valid_record() -> None:
    [result] = read(template())
    assert result.ok and result.number == 2
    obj = result.object
    assert (obj.inventory_number, obj.accession_number, obj.object_type) == ("H 1234", "12/1956",
                                                                             "džbán")
    assert [m.model_dump() for m in obj.measurements] == [
        {"type": "výška", "value": 24.5, "unit": "cm"},
        {"type": "průměr", "value": 12.0, "unit": "cm"}]
    assert (obj.production.earliest_year, obj.production.latest_year) == (1675, 1685)
    assert obj.images[0].rights == obj.rights == "http://creativecommons.org/licenses/by/4.0/"
    assert obj.acquisition == "dar, 1956"


def test_windows_1250_is_detected_and_accepted_with_a_note() -> None:
    data = csv_file(row(title="Žlutý kůň úpěl ďábelské ódy")).encode("cp1250")
    encoding, notes, records = iter_csv(data, institution="severoceske-muzeum")
    [result] = list(records)
    assert encoding == "Windows-1250" and result.object.title["cs"] == "Žlutý kůň úpěl ďábelské ódy"
    assert "Windows-1250" in notes[0].message


def test_utf8_with_bom_and_commas_as_separators_are_read() -> None:
    text = csv_file(row().replace(";", ","), header=HEADER.replace(";", ","))
    [result] = read(b"\xef\xbb\xbf" + text.encode())
    assert result.ok and result.object.inventory_number == "H 1"


def test_bytes_that_are_no_known_encoding_are_explained() -> None:
    with pytest.raises(CsvFileError, match="neither UTF-8 nor Windows-1250"):
        read(b"inventarni cislo;nazev\r\n\x81\x83\x98;x\r\n")


def test_missing_required_columns_are_named() -> None:
    with pytest.raises(CsvFileError, match="missing required column.*název"):
        read("inventární číslo;popis\r\nH 1;x\r\n")


@pytest.mark.parametrize(("cells", "column", "message"), [
    ({"title": ""}, "název", "is required"),
    ({"inventory": ""}, "inventární číslo", "is required"),
    ({"measurements": "vysoký"}, "rozměry", "is not 'kind value unit'"),
    ({"rights": "všechna práva vyhrazena"}, "práva", "not an accepted licence"),
    ({"images": "ftp://img.example/1.jpg"}, "vyobrazení URL", "not an http(s) URL"),
    ({"esbirky": "esbirky.cz/predmet/1"}, "eSbírky URL", "not an http(s) URL"),
])
def test_a_bad_cell_is_reported_by_line_column_and_message(cells: dict, column: str,
                                                          message: str) -> None:
    good, bad = read(csv_file(row("H 1"), row(**{"inventory": "H 2", **cells})))
    assert good.ok and not bad.ok
    assert any(p.record == 3 and p.field == column and message in p.message
               for p in bad.errors), bad.errors


def test_line_numbers_count_physical_lines_of_quoted_multiline_cells() -> None:
    first = row("H 1", description='"první řádek\ndruhý řádek"')
    results = read(csv_file(first, row("H 2", title="")))
    assert [r.number for r in results] == [2, 4]
    assert results[0].object.description["cs"] == "první řádek\ndruhý řádek"


@pytest.mark.parametrize(("text", "years"), [
    ("1752", (1752, 1752)), ("kolem 1850", (1845, 1855)), ("1850–1860", (1850, 1860)),
    ("19. století", (1801, 1900)), ("2. polovina 19. století", (1851, 1900)),
    ("1. pol. 18. stol.", (1701, 1750)), ("neznámá", (None, None)),
])
def test_czech_dating_becomes_a_year_range(text: str, years: tuple) -> None:
    assert parse_dating(text) == years


def zip_of(tmp_path: Path, members: dict[str, bytes], name: str = "upload.zip") -> Path:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return path


def items(path: Path, limits: Limits = DEFAULT_LIMITS) -> tuple[list, Notes]:
    notes = Notes()
    found = list(iter_upload(path, path.name, institution="smlb", notes=notes, limits=limits))
    return found, notes


def test_a_zip_of_lido_and_csv_files_is_read_member_by_member(tmp_path: Path) -> None:
    path = zip_of(tmp_path, {"a/lido.xml": wrap(record(), record(inventory="H 2")),
                             "b.csv": csv_file(row("H 3")).encode("cp1250"),
                             "readme.pdf": b"%PDF"})
    found, notes = items(path)
    assert [(i.member, i.record.number, i.record.ok) for i in found] == [
        ("a/lido.xml", 1, True), ("a/lido.xml", 2, True), ("b.csv", 2, True)]
    assert any(p.field == "readme.pdf" for p in notes.problems)


@pytest.mark.parametrize("member", ["../evil.xml", "/etc/evil.xml", "a/../../evil.csv",
                                    "C:\\evil.xml"])
def test_a_zip_member_leaving_the_archive_refuses_the_upload(tmp_path: Path,
                                                             member: str) -> None:
    path = zip_of(tmp_path, {"ok.xml": wrap(record()), member: wrap(record())})
    with pytest.raises(UploadError, match="outside the archive"):
        items(path)


def test_a_zip_bomb_is_refused_before_anything_is_read(tmp_path: Path) -> None:
    path = zip_of(tmp_path, {"bomb.csv": b"0" * (20 * 1024 * 1024)})
    assert path.stat().st_size < 100_000
    with pytest.raises(UploadError, match="zip bomb"):
        items(path)
    with pytest.raises(UploadError, match="at most 3"):
        items(zip_of(tmp_path, {f"{n}.csv": b"x" for n in range(4)}, "many.zip"),
              Limits(max_members=3))
    with pytest.raises(UploadError, match="unpacks to"):
        items(zip_of(tmp_path, {"big.csv": b"ab" * 5000}, "big.zip"), Limits(max_bytes=1000))


@pytest.fixture
def museum(engine: Engine) -> Agent:
    with transaction(engine) as session:
        return upsert_agent(session, MUSEUM, kind=AgentKind.INSTITUTION, base_url=BASE_URL)


def upload(engine: Engine, museum: Agent, tmp_path: Path, name: str, data: bytes) -> int:
    path = tmp_path / name
    path.write_bytes(data)
    with transaction(engine) as session:
        import_id = start_import(session, institution=museum, filename=name).id or 0
    process_import(engine, import_id, path, batch=2)
    return import_id


def objects(engine: Engine) -> list[CollectionObject]:
    with Session(engine) as session:
        return list(session.exec(select(CollectionObject).order_by(CollectionObject.id)))


def test_an_upload_with_invalid_records_publishes_only_when_the_curator_chooses(
        engine: Engine, museum: Agent, tmp_path: Path) -> None:
    with transaction(engine) as session:
        before = create_object(session, museum_object("H 9"), base_url=BASE_URL)
    data = csv_file(row("H 1"), row("H 2", measurements="vysoký"), row("H 1", title="Znovu"),
                    row("H 9", title="Přepsat?"), row("H 3")).encode()
    import_id = upload(engine, museum, tmp_path, "predmety.csv", data)
    with Session(engine) as session:
        done = get_import(session, import_id)
        assert (done.status, done.total, done.valid, done.invalid) == (
            ImportStatus.VALIDATED, 5, 2, 3)
        problems = {(p["record"], p["field"]): p["message"] for r in report(session, import_id)
                    for p in r.errors}
    assert "is not 'kind value unit'" in problems[(3, "rozměry")]
    assert "repeats record 2" in problems[(4, "inventory_number")]
    assert "already registered" in problems[(5, "inventory_number")]
    with pytest.raises(ValidationError, match="3 record"):
        publish_import(engine, import_id, valid_only=False, base_url=BASE_URL)
    assert [o.inventory_number for o in objects(engine)] == ["H 9"]
    publish_import(engine, import_id, valid_only=True, base_url=BASE_URL)
    found = objects(engine)
    assert [o.inventory_number for o in found] == ["H 9", "H 1", "H 3"]
    assert all(o.state == RecordState.PUBLISHED for o in found)
    assert found[0].title == before.title and found[0].updated_at == before.updated_at
    assert found[1].iri == f"{BASE_URL}/objects/{found[1].id}"
    with pytest.raises(ValidationError, match="cannot be published"):
        publish_import(engine, import_id, valid_only=True, base_url=BASE_URL)


def test_an_unsafe_file_fails_as_a_whole_and_imports_nothing(engine: Engine, museum: Agent,
                                                             tmp_path: Path) -> None:
    import_id = upload(engine, museum, tmp_path, "bomb.xml", BILLION_LAUGHS)
    with Session(engine) as session:
        done = get_import(session, import_id)
        assert done.status == ImportStatus.FAILED and "DOCTYPE" in (done.file_error or "")
    with pytest.raises(ValidationError):
        publish_import(engine, import_id, valid_only=True, base_url=BASE_URL)
    assert objects(engine) == []


def test_a_lido_upload_is_published_with_every_field(engine: Engine, museum: Agent,
                                                     tmp_path: Path) -> None:
    import_id = upload(engine, museum, tmp_path, "dump.xml",
                       wrap(record(), record(inventory="H 2"), record(inventory="H 3")))
    publish_import(engine, import_id, valid_only=False, base_url=BASE_URL)
    first = objects(engine)[0]
    assert (first.inventory_number, first.acquisition, first.production_place) == (
        "H 1234", "dar, 1956", "Sobotiště")
    assert first.esbirky_url == "https://www.esbirky.cz/predmet/123456"
    assert len(objects(engine)) == 3


def test_a_csv_of_a_zip_keeps_its_member_in_the_report(engine: Engine, museum: Agent,
                                                        tmp_path: Path) -> None:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("sbirka/predmety.csv", csv_file(row("H 1"), row("H 2", title="")))
    import_id = upload(engine, museum, tmp_path, "sbirka.zip", data.getvalue())
    with Session(engine) as session:
        [bad] = [r for r in report(session, import_id) if r.errors]
    assert bad.errors == [{"record": 3, "field": "název", "message": "is required",
                           "file": "sbirka/predmety.csv"}]
