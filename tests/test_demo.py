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
