"""Metadata quality: the MQA-style score, freshness, the link checker against a real local HTTP
server (through the harvesters' safe client), the batch job, and the dashboard and JSON."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from catalog.db import transaction
from catalog.models import AgentKind
from catalog.quality.jobs import assess_catalog
from catalog.quality.links import check_links
from catalog.quality.models import LinkCheck, QualityScore
from catalog.quality.queries import publishers_quality
from catalog.quality.score import LinkState, rating, score_record
from catalog.rdf import record_from_input
from catalog.schemas import AgentInput, DatasetInput, parse_input
from catalog.services import create_dataset, ensure_local_catalog, upsert_agent
from harvesters.http import HttpClient
from harvesters.link_probe import HttpLinkProber, link_check_policy
from portal.catalog_commands import quality_group
from tests.conftest import BASE_URL, published_dataset_count
from tests.records import PUBLISHER, dataset

TODAY = date(2026, 11, 27)


def record(**changes: Any) -> Any:
    return record_from_input(parse_input(DatasetInput, dataset(**changes)),
                             AgentInput(**PUBLISHER), base_url=BASE_URL)


def all_ok(rec: Any) -> dict[str, LinkState]:
    return {u: LinkState(True, 200) for d in rec.distributions
            for u in (d.distribution.access_url, d.distribution.download_url) if u}


def test_a_complete_record_scores_in_every_dimension() -> None:
    rec = record()
    score = score_record(rec, links=all_ok(rec), violations=0, today=TODAY)
    assert score.max_points == 405
    assert score.dimensions["findability"] == {"points": 100, "max": 100}
    assert score.dimensions["accessibility"] == {"points": 100, "max": 100}
    assert score.dimensions["interoperability"] == {"points": 110, "max": 110}
    assert rating(score.points, score.max_points) == "Excellent"


def test_missing_metadata_and_dead_links_cost_their_points() -> None:
    rec = record(keywords={}, temporal=None)
    score = score_record(rec, links={}, violations=2, today=TODAY)
    lost = {c.name for c in score.checks if c.points < c.max}
    assert lost == {"keywords", "temporal", "access_url_ok", "download_url_ok", "shacl"}
    assert score.dimensions["findability"]["points"] == 50


def test_freshness_follows_the_declared_frequency() -> None:
    old = record(frequency="DAILY", modified="2026-10-01")
    assert score_record(old, links={}, violations=0, today=TODAY).fresh is False
    recent = record(frequency="ANNUAL", modified="2026-10-01")
    assert score_record(recent, links={}, violations=0, today=TODAY).fresh is True
    irregular = record(frequency="IRREG", modified="2020-01-01")
    assert score_record(irregular, links={}, violations=0, today=TODAY).fresh is None


class Handler(BaseHTTPRequestHandler):
    """Documents written for the tests: a file, a server refusing HEAD, a 404 and a 500."""

    arrivals: list[tuple[str, float]] = []

    def log_message(self, *args: Any) -> None:
        pass

    def _answer(self, head: bool) -> None:
        Handler.arrivals.append((self.path, time.monotonic()))
        if self.path == "/data.csv":
            body = b"a,b\n1,2\n"
            self.send_response(200)
            self.send_header("Content-Type", "text/csv; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not head:
                self.wfile.write(body)
        elif self.path == "/api" and head:
            self.send_response(405)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/api":
            self.send_response(206)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Range", "bytes 0-0/5000")
            self.send_header("Content-Length", "1")
            self.end_headers()
            self.wfile.write(b"{")
        else:
            self.send_response(404 if self.path == "/gone.csv" else 500)
            self.send_header("Content-Length", "0")
            self.end_headers()

    def do_HEAD(self) -> None:  # noqa: N802 - the http.server naming
        self._answer(head=True)

    def do_GET(self) -> None:  # noqa: N802
        self._answer(head=False)


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    Handler.arrivals = []
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def prober() -> Iterator[HttpLinkProber]:
    client = HttpClient(link_check_policy(("127.0.0.0/8",), timeout=5))
    yield HttpLinkProber(client)
    client.close()


def seed(engine: Engine, base: str) -> None:
    with transaction(engine) as session:
        ensure_local_catalog(session, BASE_URL, {"cs": "Katalog"})
        upsert_agent(session, PUBLISHER, kind=AgentKind.PUBLISHER, base_url=BASE_URL)
        create_dataset(session, dataset(distributions=[
            {"access_url": f"{base}/data.csv", "download_url": f"{base}/data.csv",
             "format": "CSV", "media_type": "text/csv"},
            {"access_url": f"{base}/api", "format": "JSON", "media_type": "application/json",
             "access_service": {"title": {"cs": "API"}, "endpoint_url": f"{base}/api"}},
            {"access_url": f"{base}/gone.csv", "download_url": f"{base}/gone.csv",
             "format": "CSV", "media_type": "text/csv"},
            {"access_url": f"{base}/broken", "download_url": f"{base}/broken",
             "format": "CSV", "media_type": "text/csv"},
        ]), base_url=BASE_URL)


def test_link_checker_records_status_type_and_size(engine: Engine, server: str,
                                                   prober: HttpLinkProber) -> None:
    seed(engine, server)
    now = datetime(2026, 11, 27, 6, 0)
    report = check_links(engine, prober, now=now, delay=0.0)
    assert (report.checked, report.broken, report.reused) == (4, 2, 0)
    with Session(engine) as session:
        rows = {r.url.removeprefix(server): r for r in session.exec(select(LinkCheck))}
    assert (rows["/data.csv"].ok, rows["/data.csv"].status, rows["/data.csv"].content_type,
            rows["/data.csv"].byte_size) == (True, 200, "text/csv", 8)
    assert (rows["/api"].ok, rows["/api"].status, rows["/api"].byte_size) == (True, 206, 5000)
    assert (rows["/gone.csv"].ok, rows["/gone.csv"].status) == (False, 404)
    assert (rows["/broken"].ok, rows["/broken"].status) == (False, 500)
    again = check_links(engine, prober, now=now + timedelta(hours=1), delay=0.0)
    assert (again.checked, again.reused) == (0, 4)


class Recording:
    """The real prober, noting when each probe of the checker starts."""

    def __init__(self, prober: HttpLinkProber) -> None:
        self.prober = prober
        self.starts: list[float] = []

    def probe(self, url: str) -> Any:
        self.starts.append(time.monotonic())
        return self.prober.probe(url)


def test_link_checker_spaces_requests_to_one_host(engine: Engine, server: str,
                                                  prober: HttpLinkProber) -> None:
    seed(engine, server)
    recording = Recording(prober)
    check_links(engine, recording, now=datetime(2026, 11, 27), delay=0.3, per_host=1)
    starts = sorted(recording.starts)
    assert len(starts) == 4
    assert all(b - a >= 0.29 for a, b in zip(starts, starts[1:], strict=False))
    assert {path for path, _ in Handler.arrivals} == {"/data.csv", "/api", "/gone.csv",
                                                       "/broken"}


def test_assessment_uses_link_checks_and_reports_broken_links(
        engine: Engine, server: str, prober: HttpLinkProber) -> None:
    seed(engine, server)
    check_links(engine, prober, now=datetime(2026, 11, 27), delay=0.0)
    report = assess_catalog(engine, today=TODAY)
    assert report.datasets == 1
    with Session(engine) as session:
        score = session.exec(select(QualityScore)).one()
        publisher = publishers_quality(session, "liberecky-kraj")[0]
    accessibility = score.dimensions["accessibility"]
    assert 0 < accessibility["points"] < accessibility["max"]
    assert sorted(link.url.removeprefix(server) for link in publisher.broken_links) == [
        "/broken", "/gone.csv"]
    assert publisher.links_checked_at == datetime(2026, 11, 27)
    assert publisher.as_json(with_datasets=False)["links_checked_at"] == "2026-11-27T00:00:00Z"


@pytest.fixture(scope="session")
def assessed_demo(demo_app: Flask) -> Flask:
    result = demo_app.test_cli_runner().invoke(quality_group, ["assess"])
    assert result.exit_code == 0, result.output
    assert f"{published_dataset_count(demo_app)} datasets scored; 0 violations" in result.output
    return demo_app


def test_dashboard_renders_every_demo_publisher(assessed_demo: Flask) -> None:
    client: FlaskClient = assessed_demo.test_client()
    page = client.get("/quality")
    assert page.status_code == 200
    summary = client.get("/quality.json").get_json()["publishers"]
    assert len(summary) == 11
    assert sum(p["datasets"] for p in summary) == published_dataset_count(assessed_demo)
    html = page.get_data(as_text=True)
    for publisher in summary:
        assert f'/quality/publishers/{publisher["publisher"]}"' in html
        detail = client.get(f'/quality/publishers/{publisher["publisher"]}')
        assert detail.status_code == 200
        data = client.get(f'/quality/publishers/{publisher["publisher"]}.json').get_json()
        assert len(data["dataset_scores"]) == publisher["datasets"]


def test_publisher_page_says_whether_its_links_were_ever_checked(assessed_demo: Flask) -> None:
    client = assessed_demo.test_client()
    for publisher in client.get("/quality.json").get_json()["publishers"]:
        slug = publisher["publisher"]
        data = client.get(f"/quality/publishers/{slug}.json").get_json()
        html = client.get(f"/quality/publishers/{slug}?lang=en").get_data(as_text=True)
        never = "have not been checked yet" in html
        assert never == (data["links_checked_at"] is None), slug
        if never:
            assert "No broken link was found" not in html


def test_dataset_page_shows_its_score(assessed_demo: Flask) -> None:
    client = assessed_demo.test_client()
    score = client.get("/datasets/rozpocet-libereckeho-kraje/quality.json").get_json()
    assert score["max_points"] == 405 and 0 < score["points"] <= 405
    html = client.get("/datasets/rozpocet-libereckeho-kraje?lang=en").get_data(as_text=True)
    assert f"{score['points']} / 405" in html
    assert client.get("/quality/publishers/nobody").status_code == 404
    assert client.get("/datasets/nothing-here/quality.json").status_code == 404
