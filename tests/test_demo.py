"""The bundled demo catalog: big enough, labelled as demo data, valid, and loaded idempotently."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from sqlalchemy import Engine, func
from sqlmodel import Session, select

from captive_portal.demo import DEMO_FILE, load_locations
from catalog.db import transaction
from catalog.demo import load_datasets, load_objects, read_demo
from catalog.models import Agent, AgentKind, SearchOutbox
from catalog.services import Upsert
from tests.conftest import BASE_URL

MUSEUMS = {"Severočeské muzeum v Liberci", "Oblastní galerie Liberec",
           "Muzeum skla a bižuterie v Jablonci nad Nisou",
           "Vlastivědné muzeum a galerie v České Lípě", "Muzeum Českého ráje v Turnově"}


def test_demo_files_are_big_enough_and_labelled() -> None:
    datasets, objects = read_demo("datasets"), read_demo("objects")
    locations = json.loads(DEMO_FILE.read_text(encoding="utf-8"))["locations"]
    assert len(datasets["datasets"]) >= 60
    assert len({d["publisher"] for d in datasets["datasets"]}) >= 8
    assert len(objects["objects"]) >= 300
    assert MUSEUMS <= {i["name"]["cs"] for i in objects["institutions"]}
    assert len(locations) >= 6
    assert all("Ukázková data" in d["description"]["cs"] for d in datasets["datasets"])
    assert all("Ukázková data" in o["description"]["cs"] for o in objects["objects"])
    names = {loc["name"]["cs"] for loc in locations}
    assert any("Fügnerova" in name for name in names)
    assert any("hlavní nádraží" in name for name in names)


def test_demo_loads_once_and_a_second_load_changes_nothing(sqlite_engine: Engine) -> None:
    def load() -> tuple[Counter, Counter, int]:
        with transaction(sqlite_engine) as session:
            datasets = Counter(o for _, o in load_datasets(session, base_url=BASE_URL))
            objects = Counter(o for _, o in load_objects(session, base_url=BASE_URL))
            locations = len(list(load_locations(session)))
        return datasets, objects, locations

    first = load()
    with Session(sqlite_engine) as session:
        queued = session.exec(select(func.count()).select_from(SearchOutbox)).one()
    with transaction(sqlite_engine) as session:
        for row in session.exec(select(SearchOutbox)).all():
            session.delete(row)
    second = load()
    assert set(first[0]) == {Upsert.CREATED} and set(first[1]) == {Upsert.CREATED}
    # Every dataset, object and Wi-Fi location is queued for the index.
    assert queued == sum(first[0].values()) + sum(first[1].values()) + first[2]
    assert set(second[0]) == {Upsert.UNCHANGED} and set(second[1]) == {Upsert.UNCHANGED}
    assert second[2] == first[2]
    with Session(sqlite_engine) as session:
        assert session.exec(select(func.count()).select_from(SearchOutbox)).one() == 0
        institutions = session.exec(select(Agent).where(
            Agent.kind == AgentKind.INSTITUTION)).all()
    assert len(institutions) >= 5


def test_demo_object_images_are_served_by_us() -> None:
    static = Path(__file__).resolve().parent.parent / "portal" / "static"
    keys = {o.get("image") for o in read_demo("objects")["objects"]} - {None}
    assert keys and all((static / "demo" / "objects" / f"{key}.svg").exists() for key in keys)


def test_demo_editorial_content_is_published_in_four_languages_and_loads_once(
        sqlite_engine: Engine) -> None:
    from catalog.demo import load_editorial
    from catalog.editorial.models import EditorialItem, ItemKind
    from catalog.editorial.services import linked_datasets, published
    from catalog.models import RecordState

    def load() -> Counter:
        with transaction(sqlite_engine) as session:
            return Counter(o for _, o in load_editorial(session, base_url=BASE_URL))

    with transaction(sqlite_engine) as session:
        list(load_datasets(session, base_url=BASE_URL))
    first, second = load(), load()
    assert first == {Upsert.CREATED: 10} and second == {Upsert.UNCHANGED: 10}
    with Session(sqlite_engine) as session:
        items = session.exec(select(EditorialItem)).all()
        assert {i.state for i in items} == {RecordState.PUBLISHED}
        for found in items:
            for field in ("title", "summary", "body"):
                texts = getattr(found, field)
                assert set(texts) == {"cs", "en", "de", "pl"}, (found.slug, field)
                if field != "title":  # a name may read the same in two languages
                    assert len(set(texts.values())) == 4, (found.slug, field)  # translated
        counts = Counter(i.kind for i in items)
        assert counts == {"project": 4, "event": 3, "news": 2, "page": 1}
        for project in published(session, ItemKind.PROJECT):
            assert len(linked_datasets(session, project)) >= 2, project.slug
        events = published(session, ItemKind.EVENT)
        assert all(e.event_place and 2026 <= e.event_start.year <= 2027 for e in events)
    # An edit made since is put back by the next load (and only that item).
    with transaction(sqlite_engine) as session:
        session.exec(select(EditorialItem).where(EditorialItem.slug == "muzejni-noc-2027")
                     ).one().title = {"cs": "Jiný název"}
    assert load() == {Upsert.UPDATED: 1, Upsert.UNCHANGED: 9}
