"""The collection-object register on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, text
from sqlmodel import Session, select

from catalog.db import transaction
from catalog.errors import ValidationError
from catalog.models import AgentKind, CollectionObject
from catalog.objects import create_object, update_object, upsert_object
from catalog.services import Upsert, upsert_agent
from tests.conftest import BASE_URL
from tests.records import MUSEUM, PUBLISHER, museum_object


@pytest.fixture
def museum(engine: Engine) -> None:
    with transaction(engine) as session:
        upsert_agent(session, MUSEUM, kind=AgentKind.INSTITUTION, base_url=BASE_URL)
        upsert_agent(session, PUBLISHER, kind=AgentKind.PUBLISHER, base_url=BASE_URL)


def objects(engine: Engine) -> list[CollectionObject]:
    with Session(engine) as session:
        return list(session.exec(select(CollectionObject).order_by(CollectionObject.id)))


def test_object_keeps_lido_core_fields_and_gets_an_iri_from_its_id(engine: Engine,
                                                                   museum: None) -> None:
    with transaction(engine) as session:
        create_object(session, museum_object(), base_url=BASE_URL)
    [obj] = objects(engine)
    assert obj.iri == f"{BASE_URL}/objects/{obj.id}"
    assert (obj.inventory_number, obj.accession_number) == ("S 1", "1987/12")
    assert obj.title["cs"] == "Secesní váza s motivem leknínů"
    assert obj.measurements == [{"type": "výška", "value": 24.5, "unit": "cm"}]
    assert (obj.maker, obj.earliest_year, obj.latest_year) == ("Josef Riedel", 1895, 1905)
    assert obj.rights == "http://creativecommons.org/publicdomain/zero/1.0/"


@pytest.mark.parametrize(("change", "field"), [
    ({"title": {"en": "Vase"}}, "title"),
    ({"institution": "liberecky-kraj"}, "institution"),  # a publisher is not a museum
    ({"production": {"earliest_year": 1905, "latest_year": 1895}}, "production"),
    ({"rights": "all rights reserved"}, "rights"),
    ({"esbirky_url": "esbirky.cz/predmet/1"}, "esbirky_url"),
    ({"images": [{"url": "file:///etc/passwd"}]}, "images.0"),
    ({"inventory_number": ""}, "inventory_number"),
])
def test_invalid_object_is_refused_naming_the_field(engine: Engine, museum: None,
                                                    change: dict, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        with transaction(engine) as session:
            create_object(session, museum_object(**change), base_url=BASE_URL)
    assert caught.value.field == field
    assert objects(engine) == []


def test_inventory_number_is_unique_within_the_institution(engine: Engine, museum: None) -> None:
    with transaction(engine) as session:
        create_object(session, museum_object(), base_url=BASE_URL)
    with pytest.raises(ValidationError) as caught:
        with transaction(engine) as session:
            create_object(session, museum_object(), base_url=BASE_URL)
    assert caught.value.field == "inventory_number"


def test_upsert_and_update_keep_the_iri(engine: Engine, museum: None) -> None:
    with transaction(engine) as session:
        obj, created = upsert_object(session, "oai:x:1", museum_object(), base_url=BASE_URL)
    with transaction(engine) as session:
        _, same = upsert_object(session, "oai:x:1", museum_object(), base_url=BASE_URL)
    with transaction(engine) as session:
        _, changed = upsert_object(session, "oai:x:1", museum_object(subjects=["květiny"]),
                                   base_url=BASE_URL)
    with transaction(engine) as session:
        update_object(session, obj.id, museum_object(title={"cs": "Váza"}))
    [stored] = objects(engine)
    assert (created, same, changed) == (Upsert.CREATED, Upsert.UNCHANGED, Upsert.UPDATED)
    assert stored.iri == obj.iri and stored.title == {"cs": "Váza"}
    assert stored.subjects == ["secese"]
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(CollectionObject)).one() == 1


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_concurrent_writers_do_not_wait_on_each_other(engine: Engine, museum: None) -> None:
    # PostgreSQL only: SQLite admits one writer at a time by design.
    first, second = Session(engine), Session(engine)
    try:
        create_object(first, museum_object("A 1"), base_url=BASE_URL)
        second.execute(text("SET lock_timeout = '2s'"))
        create_object(second, museum_object("B 1"), base_url=BASE_URL)  # would block before
        first.commit()
        second.commit()
    finally:
        first.close()
        second.close()
    assert [o.inventory_number for o in objects(engine)] == ["A 1", "B 1"]
