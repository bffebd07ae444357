"""The editor's use cases on SQLite and PostgreSQL, its upload checks and its place list."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from catalog.accounts.models import Role
from catalog.accounts.services import principal
from catalog.db import transaction
from catalog.editor import places, services
from catalog.editor.records import dataset_record, differences
from catalog.editor.uploads import Sniffed, UploadProblem, UploadRefused, safe_name, sniff, store
from catalog.errors import NotPublishable
from catalog.models import DataService, Distribution, RecordState
from catalog.permissions import NotAuthorized
from tests.accounts import make_org, make_user
from tests.conftest import BASE_URL
from tests.records import PUBLISHER, dataset

DIST = {"title": {"cs": "Odjezdy"}, "access_url": "https://data.kraj.example/o.csv",
        "download_url": "https://data.kraj.example/o.csv", "format": "CSV",
        "license": "CC-BY-4.0"}


def test_revisions_record_changes_and_restore_brings_back_a_version(engine: Engine) -> None:
    region = make_org(engine, PUBLISHER)
    admin_user = make_user(engine, "a@kraj.example", role=Role.ADMIN, org=region)
    with transaction(engine) as session:
        admin = principal(session, admin_user)
        record = dataset(distributions=[])
        services.create_dataset(session, admin, region, record, base_url=BASE_URL)
        services.add_distribution(session, admin, "odjezdy-vlaku", DIST, base_url=BASE_URL)
        services.update_dataset(session, admin, "odjezdy-vlaku",
                                {**record, "title": {"cs": "Nový název"}}, base_url=BASE_URL)
        services.set_state(session, admin, "odjezdy-vlaku", RecordState.PUBLISHED)
    with transaction(engine) as session:
        found = services.dataset_by_slug(session, "odjezdy-vlaku")
        history = services.revisions(session, found)
        assert [r.action for r in history] == ["publish", "edit", "add_distribution", "create"]
        edit = history[1]
        assert {"field": "title.cs", "old": "Odjezdy vlaků z Liberce, hlavní nádraží",
                "new": "Nový název"} in edit.changes
    # Version 1 had no distribution: the published dataset cannot go back to it.
    with pytest.raises(NotPublishable) as refused, transaction(engine) as session:
        services.restore(session, admin, "odjezdy-vlaku", 1, base_url=BASE_URL)
    assert ("distributions", "no distribution") in refused.value.problems
    with transaction(engine) as session:
        services.restore(session, admin, "odjezdy-vlaku", 2, base_url=BASE_URL)
    with transaction(engine) as session:
        found = services.dataset_by_slug(session, "odjezdy-vlaku")
        restored = dataset_record(session, found)
        assert restored["title"]["cs"].startswith("Odjezdy vlaků")
        assert len(restored["distributions"]) == 1 and found.state == RecordState.PUBLISHED
        assert [r.action for r in services.revisions(session, found)][0] == "restore:2"


def test_an_edit_keeps_what_the_form_does_not_show(engine: Engine) -> None:
    """HVD fields, source identifiers and a distribution's data service survive an edit."""
    region = make_org(engine, PUBLISHER)
    editor_user = make_user(engine, "e@kraj.example", role=Role.EDITOR, org=region)
    api = {**DIST, "access_service": {"title": {"cs": "API odjezdů"},
                                      "endpoint_url": "https://api.kraj.example/odjezdy"}}
    record = dataset(distributions=[], identifiers=["ckan:0a1b2c"],
                     applicable_legislation=["http://data.europa.eu/eli/reg_impl/2023/138/oj"],
                     hvd_categories=["http://data.europa.eu/bna/c_b79e35eb"])
    with transaction(engine) as session:
        editor = principal(session, editor_user)
        services.create_dataset(session, editor, region, record, base_url=BASE_URL)
        services.add_distribution(session, editor, "odjezdy-vlaku", api, base_url=BASE_URL)
    with transaction(engine) as session:
        current = dataset_record(session, services.dataset_by_slug(session, "odjezdy-vlaku"))
        services.update_dataset(session, editor, "odjezdy-vlaku",
                                {**current, "title": {"cs": "Nový název"}}, base_url=BASE_URL)
    with transaction(engine) as session:
        kept = dataset_record(session, services.dataset_by_slug(session, "odjezdy-vlaku"))
    assert kept["title"] == {"cs": "Nový název"}
    assert kept["identifiers"] == ["ckan:0a1b2c"]
    assert kept["hvd_categories"] == ["http://data.europa.eu/bna/c_b79e35eb"]
    assert kept["applicable_legislation"] == ["http://data.europa.eu/eli/reg_impl/2023/138/oj"]
    assert kept["distributions"][0]["access_service"]["endpoint_url"] == \
        "https://api.kraj.example/odjezdy"


def test_a_linked_api_is_the_data_service_of_its_endpoint_shared_until_unused(
        engine: Engine) -> None:
    """Two datasets linking the same API share its data service; removing one link keeps it
    for the other, removing the last one deletes it."""
    region = make_org(engine, PUBLISHER)
    editor_user = make_user(engine, "e@kraj.example", role=Role.EDITOR, org=region)
    api = {"title": {"cs": "API odjezdů"}, "access_url": "https://api.kraj.example/odjezdy",
           "format": "JSON"}
    with transaction(engine) as session:
        editor = principal(session, editor_user)
        for slug in ("odjezdy-vlaku", "odjezdy-autobusu"):
            services.create_dataset(session, editor, region, dataset(slug, distributions=[]),
                                    base_url=BASE_URL)
            services.add_distribution(session, editor, slug, api, base_url=BASE_URL,
                                      api_documentation="https://api.kraj.example/docs")
    with transaction(engine) as session:
        [service] = session.exec(select(DataService)).all()
        assert service.endpoint_description == "https://api.kraj.example/docs"
        assert service.title == {"cs": "API odjezdů"}
        assert {d.access_service_id for d in session.exec(select(Distribution))} == {service.id}
    with transaction(engine) as session:
        services.remove_distribution(session, editor, "odjezdy-vlaku", 0, base_url=BASE_URL)
    with transaction(engine) as session:
        assert [s.id for s in session.exec(select(DataService))] == [service.id]
        kept = dataset_record(session, services.dataset_by_slug(session, "odjezdy-autobusu"))
        assert kept["distributions"][0]["access_service"]["endpoint_url"] == api["access_url"]
    with transaction(engine) as session:
        services.remove_distribution(session, editor, "odjezdy-autobusu", 0, base_url=BASE_URL)
    with transaction(engine) as session:
        assert session.exec(select(DataService)).all() == []


def test_an_editor_of_another_publisher_changes_nothing(engine: Engine) -> None:
    region = make_org(engine, PUBLISHER)
    town = make_org(engine, {"slug": "mesto", "name": {"cs": "Město"}})
    owner = make_user(engine, "o@kraj.example", role=Role.EDITOR, org=region)
    other = make_user(engine, "x@mesto.example", role=Role.ADMIN, org=town)
    with transaction(engine) as session:
        services.create_dataset(session, principal(session, owner), region,
                                dataset(distributions=[]), base_url=BASE_URL)
    with pytest.raises(NotAuthorized), transaction(engine) as session:
        services.update_dataset(session, principal(session, other), "odjezdy-vlaku",
                                dataset(title={"cs": "X"}), base_url=BASE_URL)
    with pytest.raises(NotAuthorized), transaction(engine) as session:
        services.restore(session, principal(session, owner), "odjezdy-vlaku", 1,
                         base_url=BASE_URL)  # editors do not restore
    with transaction(engine) as session:
        found = services.dataset_by_slug(session, "odjezdy-vlaku")
        assert len(services.revisions(session, found)) == 1


def test_differences_name_nested_fields() -> None:
    before = {"title": {"cs": "A"}, "themes": ["x"], "distributions": [{"access_url": "u"}]}
    after = {"title": {"cs": "B", "en": "B"}, "themes": [], "distributions": []}
    assert differences(before, after) == [
        {"field": "distributions.1.access_url", "old": "u", "new": None},
        {"field": "themes", "old": "x", "new": None},
        {"field": "title.cs", "old": "A", "new": "B"},
        {"field": "title.en", "old": None, "new": "B"},
    ]


@pytest.mark.parametrize(("head", "kind"), [
    (b"%PDF-1.4", Sniffed.PDF), (b"PK\x03\x04rest", Sniffed.ZIP),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", Sniffed.OLE), (b'{"a": [1, 2', Sniffed.JSON),
    (b"<?xml version='1.0'?><a/>", Sniffed.XML), ("a;b\nč;ř\n".encode(), Sniffed.TEXT),
    ("a;b\nč;ř\n".encode("cp1250"), Sniffed.TEXT), (b"\x00\x01\x02", Sniffed.BINARY),
])
def test_sniffing_reads_the_content(head: bytes, kind: Sniffed) -> None:
    assert sniff(head) is kind


@pytest.mark.parametrize(("name", "safe"), [
    ("../../etc/passwd", "passwd"), ("..\\..\\boot.ini", "boot.ini"), (".htaccess", "htaccess"),
    ("jízdní řád 2026.csv", "j_zdn_d_2026.csv"), ("", "file"), ("../", "file"),
])
def test_upload_names_lose_their_path(name: str, safe: str) -> None:
    assert safe_name(name) == safe


def test_the_same_content_is_stored_once(tmp_path: Path) -> None:
    first = store(io.BytesIO(b"a,b\n1,2\n"), "a.csv", tmp_path, max_bytes=100)
    second = store(io.BytesIO(b"a,b\n1,2\n"), "b.csv", tmp_path, max_bytes=100)
    assert first.created and not second.created and first.path == second.path
    with pytest.raises(UploadRefused) as refused:
        store(io.BytesIO(b'{"a": 1}'), "a.csv", tmp_path, max_bytes=100)
    assert refused.value.problem is UploadProblem.TYPE_MISMATCH
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == [first.sha256]


def test_places_are_found_by_name_without_diacritics() -> None:
    assert [p.name for p in places.search("ceska")][:2] == ["Česká Lípa", "Česká Lípa"]
    assert places.resolve("liberec").key == "obec/563889"  # the town before the district
    assert places.resolve("okres Liberec").key == "okres/3505"
    assert places.resolve("https://linked.cuzk.cz/resource/ruian/vusc/78").name == \
        "Liberecký kraj"
    assert places.resolve("Atlantida") is None
    assert {p.kind for p in places.PLACES} == {"vusc", "okres", "obec"}
    assert len({p.key for p in places.PLACES}) == len(places.PLACES)


def test_the_editable_datasets_of_every_publisher_are_read_in_one_query(
        engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy import event

    region = make_org(engine, PUBLISHER)
    town = make_org(engine, {"slug": "mesto-turnov", "name": {"cs": "Město Turnov"}})
    make_org(engine, {"slug": "mesto-jablonec", "name": {"cs": "Město Jablonec"}})
    root = make_user(engine, "root@kraj.example", sysadmin=True)
    with transaction(engine) as session:
        admin = principal(session, root)
        for slug in ("a-1", "a-2", "a-3"):
            services.create_dataset(session, admin, region, dataset(slug), base_url=BASE_URL)
        services.create_dataset(session, admin, town, dataset("t-1"), base_url=BASE_URL)
    with transaction(engine) as session:
        services.update_dataset(session, admin, "a-1", {**dataset("a-1"), "title": {
            "cs": "Upraveno"}}, base_url=BASE_URL)  # the newest now
    monkeypatch.setattr(services, "EDITABLE_PER_PUBLISHER", 2)  # the newest two of each
    statements: list[str] = []

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    with transaction(engine) as session:
        event.listen(engine, "before_cursor_execute", record)
        try:
            listed = services.editable_datasets(session, admin)
        finally:
            event.remove(engine, "before_cursor_execute", record)
        assert [(a.slug, [d.slug for d in found]) for a, found in listed] == [
            ("liberecky-kraj", ["a-1", "a-3"]), ("mesto-jablonec", []),
            ("mesto-turnov", ["t-1"])]
    assert len([s for s in statements if "FROM dataset" in s]) == 1, statements
