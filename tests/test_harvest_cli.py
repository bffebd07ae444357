"""``portal harvest add|list|run|preview|show|delete|run-due`` against a local CKAN site."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from portal.app import create_app
from portal.harvest_cli import harvest
from tests.conftest import make_settings
from tests.harvest_fixtures import CkanSite, add_agents, ckan_package
from tests.harvest_server import LocalServer, serve


@pytest.fixture
def server() -> Iterator[LocalServer]:
    yield from serve()


@pytest.fixture
def app(tmp_path: Path, sqlite_template: Path) -> Flask:
    instance = tmp_path / "instance"
    instance.mkdir()
    shutil.copy(sqlite_template, instance / "portal.sqlite3")
    return create_app(make_settings(instance, PORTAL_HARVEST_ALLOWED_NETWORKS="127.0.0.1/32"))


@pytest.fixture
def cli(app: Flask, server: LocalServer) -> FlaskCliRunner:
    server.route("/api/3/action/package_search", CkanSite([ckan_package(n) for n in (1, 2, 3)]))
    add_agents(app.extensions["portal"].engine)
    return app.test_cli_runner()


def test_a_source_is_added_run_shown_and_deleted(cli: FlaskCliRunner,
                                                 server: LocalServer) -> None:
    added = cli.invoke(harvest, ["add", "mesto", "--type", "ckan", "--url", server.url("/"),
                                 "--publisher", "liberecky-kraj", "--schedule", "daily"])
    assert added.exit_code == 0, added.output
    ran = cli.invoke(harvest, ["run", "mesto"])
    assert ran.exit_code == 0, ran.output
    assert "mesto: done (full" in ran.output and "3 added" in ran.output
    shown = cli.invoke(harvest, ["show", "mesto", "--json"])
    last_job = json.loads(shown.output)["last_job"]
    assert (last_job["status"], last_job["counts"]["added"]) == ("done", 3)
    listed = cli.invoke(harvest, ["list"])
    assert "mesto" in listed.output and "done" in listed.output
    preview = cli.invoke(harvest, ["preview", "mesto"])
    assert "nothing was written" in preview.output and "3 unchanged" in preview.output
    due = cli.invoke(harvest, ["run-due"])
    assert "no source is due" in due.output  # it ran a moment ago, daily
    deleted = cli.invoke(harvest, ["delete", "mesto", "--yes"])
    assert "3 records stay in the catalog" in deleted.output
    assert "no harvest sources" in cli.invoke(harvest, ["list"]).output


def test_bad_source_arguments_name_the_field(cli: FlaskCliRunner) -> None:
    result = cli.invoke(harvest, ["add", "muzeum", "--type", "oai-pmh", "--url",
                                  "https://muzeum.example/oai"])
    assert result.exit_code == 2
    assert "publisher: museum sources need the holding institution" in result.output
    result = cli.invoke(harvest, ["add", "x", "--type", "ckan", "--url", "ftp://x"])
    assert "url: must be an http(s) URL" in result.output


def test_a_failed_run_exits_non_zero(cli: FlaskCliRunner, server: LocalServer) -> None:
    cli.invoke(harvest, ["add", "down", "--type", "ckan", "--url", server.url("/nothing/"),
                         "--publisher", "liberecky-kraj"])
    result = cli.invoke(harvest, ["run", "down"])
    assert result.exit_code == 1
    assert "failed" in result.output and "HTTP status 404" in result.output


def test_a_merge_rule_is_stored_shown_and_a_bad_one_refused(cli: FlaskCliRunner,
                                                            server: LocalServer) -> None:
    rule = r"landing-page=/doprava/(linka-\d+)"
    added = cli.invoke(harvest, ["add", "mesto", "--type", "ckan", "--url", server.url("/"),
                                 "--publisher", "liberecky-kraj", "--match", rule])
    assert added.exit_code == 0, added.output
    assert f"merge rule: {rule}" in cli.invoke(harvest, ["show", "mesto"]).output
    shown = json.loads(cli.invoke(harvest, ["show", "mesto", "--json"]).output)
    assert shown["match"] == [rule]
    bad = cli.invoke(harvest, ["add", "jiny", "--type", "ckan", "--url", server.url("/"),
                               "--match", "landing-page=linka-\\d+"])
    assert bad.exit_code == 2
    assert "match: 'linka-\\\\d+' has no capture group" in bad.output
