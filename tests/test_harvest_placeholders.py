"""Unfilled template placeholders in a DCAT-US feed (``{{source}}``, ``{{orgContactEmail}}``):
recorded per harvested record, grouped by field in the job report, and flagged with a penalty in
the metadata quality score (dataset page, publisher pages, JSON)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlmodel import Session, select

from catalog.models import Dataset
from catalog.quality.score import PLACEHOLDER_PENALTY, score_record
from catalog.rdf.queries import iter_dataset_records
from harvesters.queries import placeholder_fields
from portal.app import create_app
from portal.catalog_commands import quality_group
from portal.harvest_cli import harvest
from portal.state import state
from tests.conftest import make_settings
from tests.harvest_fixtures import add_agents
from tests.harvest_server import LocalServer, Reply, serve
from tests.test_harvest_dcat_us import data_json, hub_dataset

CLEAN = {"publisher": {"@type": "org:Organization", "name": "Liberecký kraj"},
         "contactPoint": {"@type": "vcard:Contact", "fn": "Oddělení GIS",
                          "hasEmail": "mailto:gis@kraj-lbc.cz"}}


@pytest.fixture
def server() -> Iterator[LocalServer]:
    yield from serve()


@pytest.fixture
def app(tmp_path: Path, sqlite_template: Path, server: LocalServer) -> Flask:
    instance = tmp_path / "instance"
    instance.mkdir()
    shutil.copy(sqlite_template, instance / "portal.sqlite3")
    app = create_app(make_settings(instance, PORTAL_HARVEST_ALLOWED_NETWORKS="127.0.0.1/32"))
    add_agents(state(app).engine)
    server.route("/data.json", Reply(data_json(
        hub_dataset("a" * 32, title="Cyklotrasy"),
        hub_dataset("b" * 32, title="Parkoviště"),
        hub_dataset("c" * 32, title="Zastávky", **CLEAN))))
    return app


@pytest.fixture
def cli(app: Flask, server: LocalServer) -> FlaskCliRunner:
    runner = app.test_cli_runner()
    added = runner.invoke(harvest, ["add", "datalk", "--type", "dcat-us", "--url",
                                    server.url("/data.json"), "--publisher", "liberecky-kraj"])
    assert added.exit_code == 0, added.output
    ran = runner.invoke(harvest, ["run", "datalk"])
    assert ran.exit_code == 0 and "3 added" in ran.output, ran.output
    assert "placeholders: 2 records: placeholder in publisher.name" in ran.output
    return runner


def ids(app: Flask) -> dict[str, int]:
    with Session(state(app).engine) as session:
        return {d.slug: d.id or 0 for d in session.exec(select(Dataset))}


def test_the_job_report_groups_placeholders_by_field(cli: FlaskCliRunner) -> None:
    shown = cli.invoke(harvest, ["show", "datalk"]).output
    assert "placeholders: 2 records: placeholder in contactPoint.hasEmail (e.g. " in shown
    assert "placeholders: 2 records: placeholder in publisher.name (e.g. " in shown
    assert "template placeholder in" not in shown  # not listed twice among the warnings
    assert "warning: 3 records: distribution format not in the catalog's list" in shown
    last = json.loads(cli.invoke(harvest, ["show", "datalk", "--json"]).output)["last_job"]
    assert sorted((p["field"], p["count"]) for p in last["placeholders"]) == [
        ("contactPoint.hasEmail", 2), ("publisher.name", 2)]
    assert all(len(p["examples"]) == 2 for p in last["placeholders"])


def test_the_placeholder_fields_are_kept_with_each_harvested_record(
        app: Flask, cli: FlaskCliRunner) -> None:
    found = ids(app)
    with Session(state(app).engine) as session:
        fields = placeholder_fields(session, found.values())
    assert fields == {found["cyklotrasy"]: ["contactPoint.hasEmail", "publisher.name"],
                      found["parkoviste"]: ["contactPoint.hasEmail", "publisher.name"]}


def test_the_quality_score_flags_and_penalises_only_placeholders_in_the_source(
        app: Flask, cli: FlaskCliRunner) -> None:
    assessed = cli.invoke(quality_group, ["assess"])
    assert "2 with template placeholders at their harvest source" in assessed.output
    client = app.test_client()
    flagged = client.get("/datasets/cyklotrasy/quality.json").get_json()
    clean = client.get("/datasets/zastavky/quality.json").get_json()
    assert flagged["flags"] == [{"flag": "source_placeholders",
                                 "label": "placeholder values in source",
                                 "fields": ["contactPoint.hasEmail", "publisher.name"],
                                 "penalty": PLACEHOLDER_PENALTY}]
    assert clean["flags"] == []
    earned = sum(c["points"] for c in flagged["checks"])
    assert flagged["points"] == earned - PLACEHOLDER_PENALTY
    assert "placeholders" not in {c["check"] for c in flagged["checks"]}
    page = client.get("/datasets/cyklotrasy?lang=en").get_data(as_text=True)
    assert "placeholder values in source" in page and "<code>publisher.name</code>" in page
    assert "placeholder values in source" not in client.get(
        "/datasets/zastavky?lang=en").get_data(as_text=True)
    publisher = client.get("/quality/publishers/liberecky-kraj.json").get_json()
    assert publisher["placeholder_datasets"] == 2
    assert client.get("/quality/publishers/liberecky-kraj?lang=en").get_data(
        as_text=True).count("placeholder values in source") == 2
    dashboard = client.get("/quality?lang=en").get_data(as_text=True)
    assert "Placeholders in source" in dashboard.replace("\u00ad", "")  # soft hyphens in headers
    # The penalty itself, on the clean dataset's record: 20 points, the maximum unchanged.
    with Session(state(app).engine) as session:
        record = next(r for r in iter_dataset_records(session) if r.dataset.slug == "zastavky")
    plain = score_record(record, links={}, violations=0, today=date(2026, 11, 27))
    flagged = score_record(record, links={}, violations=0, today=date(2026, 11, 27),
                           placeholders=["publisher.name", "publisher.name"])
    assert plain.placeholders == () and plain.penalty == 0
    assert flagged.placeholders == ("publisher.name",)
    assert flagged.points == plain.points - PLACEHOLDER_PENALTY
    assert flagged.max_points == plain.max_points
