"""Configured merge rules (``harvest add --match FIELD=REGEX``): two local data.json sources that
write the same dataset under different URL forms are one record only through the rule."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from catalog.db import transaction
from catalog.errors import ValidationError
from catalog.models import Dataset
from harvesters import services
from harvesters.models import HarvestSource, RecordKind
from harvesters.runner import run_source
from tests.harvest_fixtures import SETTINGS, Clock, add_agents, add_source, http
from tests.harvest_server import LocalServer, Reply, serve
from tests.test_harvest_dcat_us import data_json

CITY = "https://data.mesto.test/datasets/OVZDUSI-{n}"  # the city's own catalog
REGION = "http://www.kraj.test/opendata?dataset=ovzdusi-{n}&lang=cs"  # the region's mirror


def dataset(identifier: str, landing: str, title: str) -> dict[str, Any]:
    return {
        "identifier": identifier,
        "landingPage": landing,
        "title": title,
        "description": "Měření kvality ovzduší.",
        "accessLevel": "public",
        "distribution": [{"downloadURL": landing.split("?")[0] + ".csv", "mediaType": "text/csv"}],
    }


@pytest.fixture
def server(engine: Engine) -> Iterator[LocalServer]:
    add_agents(engine)
    for local in serve():
        local.route(
            "/city.json",
            Reply(
                data_json(
                    dataset(CITY.format(n=1), CITY.format(n=1), "Ovzduší 1"),
                    dataset(CITY.format(n=2), CITY.format(n=2), "Ovzduší 2"),
                )
            ),
        )
        local.route(
            "/region.json",
            Reply(data_json(dataset("urn:kraj:1", REGION.format(n=1), "Kvalita ovzduší 1"))),
        )
        yield local


def run(engine: Engine, name: str):  # type: ignore[no-untyped-def]
    return run_source(engine, name, http=http(), settings=SETTINGS, clock=Clock())


def titles(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return sorted(d.title["cs"] for d in session.exec(select(Dataset)))


CITY_RULE = r"identifier=/datasets/([^/?#]+)$"
REGION_RULE = r"landing-page=[?&]dataset=([^&#]+)"


def add(engine: Engine, server: LocalServer, name: str, path: str, *rules: str) -> None:
    add_source(
        engine, name, "dcat-us", server.url(path), publisher="liberecky-kraj", match=list(rules)
    )


def test_two_sources_matching_only_by_their_rules_are_one_record(
    engine: Engine, server: LocalServer
) -> None:
    add(engine, server, "city", "/city.json", CITY_RULE)
    add(engine, server, "region", "/region.json", REGION_RULE)
    assert run(engine, "city").counts.added == 2
    report = run(engine, "region")
    assert (report.counts.merged, report.counts.added) == (1, 0)
    assert titles(engine) == ["Ovzduší 1", "Ovzduší 2"]  # the owner's record, not duplicated
    with Session(engine) as session:
        [first] = [d for d in session.exec(select(Dataset)) if d.title["cs"] == "Ovzduší 1"]
        keys = services.source_identifiers(session, RecordKind.DATASET, first.id or 0)
        owner = services.managing_source(session, RecordKind.DATASET, first.id or 0)
    assert owner == "city"
    assert f"identifier:{CITY.format(n=1)}" in keys and "identifier:urn:kraj:1" in keys
    assert "match:ovzdusi-1" in keys  # both rules yield it (case folded)


def test_a_rule_key_meets_a_built_in_identity_of_another_source(
    engine: Engine, server: LocalServer
) -> None:
    server.route(
        "/plain.json", Reply(data_json(dataset("ovzdusi-1", "https://mesto.test/o/1", "Ovzduší 1")))
    )
    add(engine, server, "plain", "/plain.json")
    add(engine, server, "region", "/region.json", REGION_RULE)
    run(engine, "plain")
    assert run(engine, "region").counts.merged == 1
    assert titles(engine) == ["Ovzduší 1"]


def test_without_matching_rules_the_sources_stay_apart(engine: Engine, server: LocalServer) -> None:
    add(engine, server, "city", "/city.json", CITY_RULE)
    # The region's rule yields "cs" (the lang parameter), not the dataset: no merge.
    add(engine, server, "region", "/region.json", r"landing-page=[?&]lang=([^&#]+)")
    run(engine, "city")
    report = run(engine, "region")
    assert (report.counts.merged, report.counts.added) == (0, 1)
    assert titles(engine) == ["Kvalita ovzduší 1", "Ovzduší 1", "Ovzduší 2"]


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("identifier=([a-z", "is not a valid regular expression"),
        ("identifier=[a-z]+", "has no capture group"),
        ("title=(.+)", "unknown field 'title'"),
        ("no-equals-sign", "write FIELD=REGEX"),
    ],
)
def test_a_bad_rule_is_refused_naming_the_problem(engine: Engine, rule: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as raised, transaction(engine) as session:
        services.add_source(
            session, name="bad", type="dcat-us", url="https://x.test/data.json", match=[rule]
        )
    assert raised.value.field == "match"
    with Session(engine) as session:
        assert session.exec(select(HarvestSource)).first() is None


def test_a_merged_record_keeps_its_placeholder_flags_current(
    engine: Engine, server: LocalServer
) -> None:
    from harvesters.models import HarvestRecord
    from harvesters.normalize import placeholder_field

    def region_fields() -> list[list[str]]:
        with Session(engine) as session:
            source = session.exec(select(HarvestSource).where(HarvestSource.name == "region")).one()
            records = session.exec(select(HarvestRecord).where(
                HarvestRecord.source_id == source.id)).all()
            assert [r.merged for r in records] == [True]
            return [sorted(f for flag in r.flags if (f := placeholder_field(flag)))
                    for r in records]

    add(engine, server, "city", "/city.json", CITY_RULE)
    add(engine, server, "region", "/region.json", REGION_RULE)
    run(engine, "city")
    assert run(engine, "region").counts.merged == 1
    assert region_fields() == [[]]
    # The region's record changes, with an unfilled placeholder (read as missing).
    unfilled = {**dataset("urn:kraj:1", REGION.format(n=1), "Kvalita ovzduší 1 (opraveno)"),
                "publisher": {"@type": "org:Organization", "name": "{{source}}"}}
    server.route("/region.json", Reply(data_json(unfilled)))
    assert run(engine, "region").counts.unchanged == 1  # merged: the owner's record stays
    assert region_fields() == [["publisher.name"]]
    # Only the placeholder goes: the content read is the same, the flag is gone.
    without = {key: value for key, value in unfilled.items() if key != "publisher"}
    server.route("/region.json", Reply(data_json(without)))
    assert run(engine, "region").counts.unchanged == 1
    assert region_fields() == [[]]
    assert titles(engine) == ["Ovzduší 1", "Ovzduší 2"]  # still one record, the owner's
