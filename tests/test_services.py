"""Dataset and publisher services on SQLite and PostgreSQL: validation that names the field,
nothing partial written, stable IRIs, upserts by source identifier, soft states, the outbox."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from catalog.db import transaction
from catalog.errors import NotFound, ValidationError
from catalog.models import (
    Agent,
    AgentKind,
    ContactPoint,
    Dataset,
    Distribution,
    RecordState,
    SearchOutbox,
)
from catalog.services import (
    Upsert,
    create_dataset,
    ensure_local_catalog,
    set_dataset_state,
    update_dataset,
    upsert_agent,
    upsert_dataset,
)
from tests.conftest import BASE_URL
from tests.records import MUSEUM, PUBLISHER, dataset


@pytest.fixture
def publisher(engine: Engine) -> Agent:
    with transaction(engine) as session:
        ensure_local_catalog(session, BASE_URL, {"cs": "Katalog"})
        upsert_agent(session, MUSEUM, kind=AgentKind.INSTITUTION, base_url=BASE_URL)
        return upsert_agent(session, PUBLISHER, kind=AgentKind.PUBLISHER, base_url=BASE_URL)


def count(engine: Engine, model: type) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def test_create_dataset_stores_every_field_and_mints_iris(engine: Engine, publisher: Agent) -> None:
    with transaction(engine) as session:
        created = create_dataset(session, dataset(), base_url=BASE_URL)
    with Session(engine) as session:
        stored = session.exec(select(Dataset).where(Dataset.slug == "odjezdy-vlaku")).one()
        dist = session.exec(select(Distribution)).one()
        contact = session.get(ContactPoint, stored.contact_point_id)
    assert stored.id == created.id
    assert stored.iri == f"{BASE_URL}/datasets/odjezdy-vlaku"
    assert stored.title["cs"] == "Odjezdy vlaků z Liberce, hlavní nádraží"
    assert stored.keywords["cs"] == ["vlaky", "jízdní řády"]
    assert stored.themes == ["http://publications.europa.eu/resource/authority/data-theme/TRAN"]
    assert stored.frequency == "http://publications.europa.eu/resource/authority/frequency/DAILY"
    assert stored.spatial == ["https://linked.cuzk.cz/resource/ruian/obec/563889"]
    assert (stored.bbox_west, stored.bbox_north) == (15.03, 50.78)
    assert stored.temporal_start.isoformat() == "2024-01-01" and stored.temporal_end is None
    assert stored.state == RecordState.PUBLISHED
    assert contact is not None and contact.email == "doprava@kraj-lbc.cz"
    assert dist.iri == f"{BASE_URL}/distributions/{dist.id}"
    assert dist.format == "http://publications.europa.eu/resource/authority/file-type/CSV"
    assert dist.license == "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0"
    assert dist.terms_personal_data == "https://data.gov.cz/podmínky-užití/neobsahuje-osobní-údaje/"
    assert dist.byte_size == 52000


@pytest.mark.parametrize(("change", "field"), [
    ({"title": {"en": "Only English"}}, "title"),
    ({"title": {"cs": "   "}}, "title"),
    ({"themes": ["http://publications.europa.eu/resource/authority/data-theme/NOPE"]},
     "themes.0"),
    ({"issued": "2024-02-30"}, "issued"),
    ({"temporal": {"start": "2025-01-01", "end": "2024-01-01"}}, "temporal"),
    ({"landing_page": "javascript:alert(1)"}, "landing_page"),
    ({"distributions": [{"access_url": "ftp://files.kraj-lbc.cz/a.csv"}]},
     "distributions.0.access_url"),
    ({"distributions": [{"access_url": "https://x.cz/a", "format": "DOCX2"}]},
     "distributions.0.format"),
    ({"spatial": ["https://example.org/liberec"]}, "spatial.0"),
    ({"publisher": "nobody"}, "publisher"),
    ({"publisher": "severoceske-muzeum"}, "publisher"),  # a museum is not a publisher
    ({"slug": "Bad Slug"}, "slug"),
    ({"title": {"cs": "Název", "xx": "?"}}, "title"),
    ({"bbox": [16, 50, 15, 51]}, "bbox"),
    ({"colour": "red"}, "colour"),
])
def test_invalid_dataset_is_refused_naming_the_field_and_nothing_is_written(
        engine: Engine, publisher: Agent, change: dict, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        with transaction(engine) as session:
            create_dataset(session, dataset(**change), base_url=BASE_URL)
    assert caught.value.field == field
    assert count(engine, Dataset) == 0
    assert count(engine, Distribution) == 0
    assert count(engine, ContactPoint) == 0
    assert count(engine, SearchOutbox) == 0


def test_failure_in_a_later_record_rolls_back_the_whole_unit(engine: Engine,
                                                             publisher: Agent) -> None:
    with pytest.raises(ValidationError):
        with transaction(engine) as session:
            create_dataset(session, dataset("prvni"), base_url=BASE_URL)
            create_dataset(session, dataset("druhy", title={}), base_url=BASE_URL)
    assert count(engine, Dataset) == 0


def test_duplicate_slug_is_refused(engine: Engine, publisher: Agent) -> None:
    with transaction(engine) as session:
        create_dataset(session, dataset(), base_url=BASE_URL)
    with pytest.raises(ValidationError) as caught:
        with transaction(engine) as session:
            create_dataset(session, dataset(), base_url=BASE_URL)
    assert caught.value.field == "slug"


def test_iri_never_changes_when_the_base_url_or_content_changes(engine: Engine,
                                                                publisher: Agent) -> None:
    with transaction(engine) as session:
        first = create_dataset(session, dataset(), base_url=BASE_URL).iri
    with transaction(engine) as session:
        update_dataset(session, "odjezdy-vlaku", dataset(title={"cs": "Nový název"}),
                       base_url="https://other-host.example")
    with Session(engine) as session:
        stored = session.exec(select(Dataset)).one()
        dist = session.exec(select(Distribution)).one()
    assert stored.iri == first
    assert stored.title == {"cs": "Nový název"}
    assert dist.iri.startswith(BASE_URL), "an unchanged distribution keeps its IRI"


def test_upsert_by_source_id_creates_then_updates_then_leaves_unchanged(
        engine: Engine, publisher: Agent) -> None:
    with transaction(engine) as session:
        _, first = upsert_dataset(session, "ckan:abc", dataset(), base_url=BASE_URL)
    with transaction(engine) as session:
        _, second = upsert_dataset(session, "ckan:abc", dataset(), base_url=BASE_URL)
    with Session(engine) as session:
        stamp = session.exec(select(Dataset.updated_at)).one()
        queued = session.exec(select(func.count()).select_from(SearchOutbox)).one()
    with transaction(engine) as session:
        _, third = upsert_dataset(session, "ckan:abc", dataset(
            description={"cs": "Jiný popis."}), base_url=BASE_URL)
    assert (first, second, third) == (Upsert.CREATED, Upsert.UNCHANGED, Upsert.UPDATED)
    assert queued == 1, "an unchanged record queues nothing"
    with Session(engine) as session:
        stored = session.exec(select(Dataset)).one()
    assert stored.description == {"cs": "Jiný popis."}
    assert stored.updated_at >= stamp
    assert count(engine, Dataset) == 1


def test_distributions_are_replaced_keeping_iris_of_unchanged_urls(engine: Engine,
                                                                   publisher: Agent) -> None:
    record = dataset()
    with transaction(engine) as session:
        create_dataset(session, record, base_url=BASE_URL)
    with Session(engine) as session:
        kept_iri = session.exec(select(Distribution.iri)).one()
    extra = {"access_url": "https://data.kraj-lbc.cz/odjezdy.json", "format": "JSON"}
    with transaction(engine) as session:
        update_dataset(session, "odjezdy-vlaku", dataset(
            distributions=[extra, record["distributions"][0]]), base_url=BASE_URL)
    with Session(engine) as session:
        rows = session.exec(select(Distribution).order_by(Distribution.position)).all()
    assert [r.access_url for r in rows] == ["https://data.kraj-lbc.cz/odjezdy.json",
                                            "https://data.kraj-lbc.cz/odjezdy.csv"]
    assert rows[1].iri == kept_iri


def test_archive_is_a_soft_state_and_queues_an_index_change(engine: Engine,
                                                            publisher: Agent) -> None:
    with transaction(engine) as session:
        create_dataset(session, dataset(), base_url=BASE_URL)
    with transaction(engine) as session:
        set_dataset_state(session, "odjezdy-vlaku", RecordState.ARCHIVED)
    with Session(engine) as session:
        stored = session.exec(select(Dataset)).one()
        kinds = session.exec(select(SearchOutbox.kind)).all()
    assert stored.state == RecordState.ARCHIVED
    assert kinds == ["dataset", "dataset"]


def test_update_of_a_missing_dataset_is_not_found(engine: Engine, publisher: Agent) -> None:
    with pytest.raises(NotFound):
        with transaction(engine) as session:
            update_dataset(session, "nic", dataset("nic"), base_url=BASE_URL)


def test_agent_slug_cannot_switch_kind(engine: Engine, publisher: Agent) -> None:
    with pytest.raises(ValidationError) as caught:
        with transaction(engine) as session:
            upsert_agent(session, PUBLISHER, kind=AgentKind.INSTITUTION, base_url=BASE_URL)
    assert caught.value.field == "slug"


def test_local_catalog_is_created_once(engine: Engine) -> None:
    with transaction(engine) as session:
        first = ensure_local_catalog(session, BASE_URL, {"cs": "Katalog"})
    with transaction(engine) as session:
        second = ensure_local_catalog(session, "https://elsewhere.example", {"cs": "Jiný"})
    assert first.id == second.id and second.iri == f"{BASE_URL}/catalog"


def test_newest_datasets_put_undated_ones_last_on_every_database(engine: Engine,
                                                                 publisher: Agent) -> None:
    from catalog.queries import newest_datasets

    with transaction(engine) as session:
        create_dataset(session, dataset("bez-data", modified=None), base_url=BASE_URL)
        create_dataset(session, dataset("nedavny", modified="2026-11-01"), base_url=BASE_URL)
        create_dataset(session, dataset("starsi", modified="2020-01-01"), base_url=BASE_URL)
    with Session(engine) as session:
        assert [d.slug for d in newest_datasets(session)] == ["nedavny", "starsi", "bez-data"]
