"""The harvest run on a CKAN source served locally: mapping, idempotent upserts, grouped errors,
nothing changed by a failed run, archiving after grace, merges, ownership, preview, locks and
stuck jobs. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from catalog.db import transaction
from catalog.models import Agent, Dataset, Distribution, RecordState, SearchOutbox
from catalog.queries import dataset_view
from harvesters import jobs, services
from harvesters.models import HarvestJob, HarvestRecord, HarvestSource, JobStatus, RecordKind
from harvesters.runner import SourceBusy, preview_source, run_source
from tests.harvest_fixtures import (
    SETTINGS,
    CkanSite,
    Clock,
    add_agents,
    add_source,
    ckan_package,
    http,
)
from tests.harvest_server import LocalServer, Reply, serve

SEARCH = "/api/3/action/package_search"


@pytest.fixture
def server() -> Iterator[LocalServer]:
    yield from serve()


@pytest.fixture
def site(server: LocalServer, engine: Engine) -> CkanSite:
    site = CkanSite([ckan_package(n) for n in range(1, 6)])
    server.route(SEARCH, site)
    add_agents(engine)
    add_source(engine, "liberec-ckan", "ckan", server.url("/"), publisher="liberecky-kraj",
               options={"rows": "2"})
    return site


def run(engine: Engine, clock: Clock | None = None, **kwargs: object):  # type: ignore[no-untyped-def]
    return run_source(engine, "liberec-ckan", http=http(), settings=SETTINGS,
                      clock=clock or Clock(), **kwargs)  # type: ignore[arg-type]


def datasets(engine: Engine) -> list[Dataset]:
    with Session(engine) as session:
        return list(session.exec(select(Dataset).order_by(Dataset.slug)))


def test_a_first_run_maps_packages_resources_organizations_and_tags(
        engine: Engine, site: CkanSite) -> None:
    report = run(engine)
    assert report.status is JobStatus.DONE
    assert (report.counts.added, report.counts.errored) == (5, 0)
    with Session(engine) as session:
        view = dataset_view(session, "jizdni-rady-1")
        publisher = session.exec(select(Agent).where(
            Agent.slug == "statutarni-mesto-liberec")).one()
    dataset = view.dataset
    assert dataset.title == {"cs": "Jízdní řády linky 1"}
    assert dataset.description == {"cs": "Jízdní řády autobusové linky 1 v Liberci."}
    assert dataset.keywords == {"cs": ["autobusy", "doprava"]}
    assert dataset.themes == ["http://publications.europa.eu/resource/authority/data-theme/TRAN"]
    assert dataset.frequency.endswith("/frequency/MONTHLY")
    assert dataset.spatial == ["https://linked.cuzk.cz/resource/ruian/obec/563889"]
    assert (dataset.bbox_west, dataset.bbox_south, dataset.bbox_east, dataset.bbox_north) == (
        15.0, 50.7, 15.1, 50.8)
    assert dataset.landing_page == "https://www.liberec.cz/doprava/linka-1"
    assert str(dataset.issued) == "2025-03-01" and str(dataset.modified) == "2026-10-02"
    assert dataset.state == RecordState.PUBLISHED
    assert publisher.name == {"cs": "Statutární město Liberec"}
    assert view.publisher.slug == "statutarni-mesto-liberec"
    assert view.contact is not None and view.contact.email == "doprava@liberec.cz"
    csv, geojson = view.distributions
    assert (csv.access_url, csv.format, csv.media_type, csv.byte_size, csv.license) == (
        "https://data.liberec.cz/linka-1.csv",
        "http://publications.europa.eu/resource/authority/file-type/CSV", "text/csv", 2048,
        "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0")
    assert geojson.format.endswith("/GEOJSON") and geojson.title == {"cs": "Trasa (GeoJSON)"}


def test_a_second_run_rewrites_nothing_unchanged(engine: Engine, site: CkanSite) -> None:
    run(engine)
    before = {d.slug: d.updated_at for d in datasets(engine)}
    with transaction(engine) as session:
        session.execute(SearchOutbox.__table__.delete())  # type: ignore[attr-defined]
    report = run(engine, full=True)
    assert (report.counts.unchanged, report.counts.added, report.counts.updated) == (5, 0, 0)
    assert {d.slug: d.updated_at for d in datasets(engine)} == before
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(SearchOutbox)).one() == 0


def test_a_changed_package_is_updated_in_place(engine: Engine, site: CkanSite) -> None:
    run(engine)
    site.packages[0] = ckan_package(1, title="Jízdní řády linky 1 (nové)")
    report = run(engine, full=True)
    assert (report.counts.updated, report.counts.unchanged) == (1, 4)
    titles = [d.title["cs"] for d in datasets(engine)]
    assert "Jízdní řády linky 1 (nové)" in titles and len(titles) == 5


def test_an_incremental_run_asks_only_for_what_changed(engine: Engine, site: CkanSite) -> None:
    run(engine)
    report = run(engine, full=False)
    assert not report.full
    assert site.queries[-1]["fq"] == ["metadata_modified:[2026-10-06T10:00:00.000000Z TO *]"]
    assert report.counts.unchanged == 1  # only package 5 is that recent


def test_item_errors_are_grouped_by_message(engine: Engine, site: CkanSite) -> None:
    site.packages += [ckan_package(n, title="", name="") for n in (6, 7, 8)]
    report = run(engine)
    assert report.status is JobStatus.DONE_WITH_ERRORS
    assert (report.counts.added, report.counts.errored) == (5, 3)
    errors = [i for i in report.issues if i.kind == "error"]
    assert len(errors) == 1
    assert errors[0].count == 3 and errors[0].message.startswith("title:")
    with Session(engine) as session:
        job = session.get(HarvestJob, report.job_id)
        assert job is not None and job.status == JobStatus.DONE_WITH_ERRORS


def test_a_failed_fetch_changes_nothing_already_stored(engine: Engine, site: CkanSite,
                                                       server: LocalServer) -> None:
    run(engine)
    stored = {d.slug: (d.title, d.updated_at) for d in datasets(engine)}
    site.packages[0] = ckan_package(1, title="Přepsaný název")
    calls = {"n": 0}

    def failing(request):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        return site(request) if calls["n"] == 1 else Reply(b"oops", 500)

    server.route(SEARCH, failing)
    report = run(engine, full=True)
    assert report.status is JobStatus.FAILED
    assert "HTTP status 500" in (report.error or "") and "nothing was changed" in report.error
    assert {d.slug: (d.title, d.updated_at) for d in datasets(engine)} == stored
    assert report.counts.added == report.counts.updated == 0


def test_html_instead_of_json_fails_the_job_clearly(engine: Engine, site: CkanSite,
                                                    server: LocalServer) -> None:
    server.route(SEARCH, Reply(b"<html><body>Maintenance</body></html>",
                               headers={"Content-Type": "text/html"}))
    report = run(engine)
    assert report.status is JobStatus.FAILED
    assert "did not answer JSON (text/html)" in (report.error or "")
    assert datasets(engine) == []


def test_a_paging_loop_is_detected(engine: Engine, site: CkanSite, server: LocalServer) -> None:
    def same_page(request):  # type: ignore[no-untyped-def]
        request.query["start"] = ["0"]
        return site(request)

    server.route(SEARCH, same_page)
    report = run(engine)
    assert report.status is JobStatus.FAILED and "paging loops" in (report.error or "")


def test_gone_records_are_archived_only_after_the_grace_period(engine: Engine,
                                                               site: CkanSite) -> None:
    clock = Clock()
    run(engine, clock)
    gone = site.packages.pop(0)
    clock.advance(days=1)
    assert run(engine, clock, full=True).counts.archived == 0
    clock.advance(days=3)
    assert run(engine, clock, full=False).counts.archived == 0  # incremental never archives
    clock.advance(days=4)
    report = run(engine, clock, full=True)
    assert report.counts.archived == 1
    states = {d.slug: d.state for d in datasets(engine)}
    assert states["jizdni-rady-1"] == RecordState.ARCHIVED
    assert list(states.values()).count(RecordState.PUBLISHED) == 4
    site.packages.append(gone)
    clock.advance(days=1)
    back = run(engine, clock, full=True)
    assert back.counts.updated == 1
    assert {d.slug: d.state for d in datasets(engine)}["jizdni-rady-1"] == RecordState.PUBLISHED


def test_name_clashes_get_a_stable_suffix_never_a_sequence(engine: Engine,
                                                           site: CkanSite) -> None:
    site.packages.append(ckan_package(9, name="jizdni-rady-1"))
    run(engine)
    slugs = [d.slug for d in datasets(engine)]
    clash = [s for s in slugs if s.startswith("jizdni-rady-1-")]
    assert len(clash) == 1 and not clash[0].endswith("-1") and len(slugs) == 6
    run(engine, full=True)
    assert [d.slug for d in datasets(engine)] == slugs


def test_the_same_dataset_from_two_sources_is_one_record(engine: Engine, site: CkanSite,
                                                         server: LocalServer) -> None:
    iri = {"key": "uri", "value": "https://data.liberec.cz/dataset/jizdni-rady-1"}
    site.packages[0] = ckan_package(1, extras=[iri])
    mirror = CkanSite([ckan_package(101, name="linka-1-kopie", extras=[iri])])
    server.route("/mirror" + SEARCH, mirror)
    add_source(engine, "mirror", "ckan", server.url("/mirror"), publisher="liberecky-kraj")
    run(engine)
    report = run_source(engine, "mirror", http=http(), settings=SETTINGS, clock=Clock())
    assert (report.counts.merged, report.counts.added) == (1, 0)
    assert len(datasets(engine)) == 5
    with Session(engine) as session:
        dataset = session.exec(select(Dataset).where(Dataset.slug == "jizdni-rady-1")).one()
        identifiers = services.source_identifiers(session, RecordKind.DATASET, dataset.id or 0)
        assert services.managing_source(session, RecordKind.DATASET,
                                        dataset.id or 0) == "liberec-ckan"
    assert "iri:https://data.liberec.cz/dataset/jizdni-rady-1" in identifiers
    assert any(key.startswith("ckan:") and key.endswith("000000000101") for key in identifiers)


def test_a_detached_record_is_left_to_its_editors(engine: Engine, site: CkanSite) -> None:
    run(engine)
    with transaction(engine) as session:
        dataset = session.exec(select(Dataset).where(Dataset.slug == "jizdni-rady-2")).one()
        with pytest.raises(services.ManagedBySource, match="managed by source liberec-ckan"):
            services.ensure_editable(session, RecordKind.DATASET, dataset.id or 0)
        assert services.detach(session, RecordKind.DATASET, dataset.id or 0) == 1
        services.ensure_editable(session, RecordKind.DATASET, dataset.id or 0)
    site.packages[1] = ckan_package(2, title="Změna u zdroje")
    run(engine, full=True)
    titles = {d.slug: d.title["cs"] for d in datasets(engine)}
    assert titles["jizdni-rady-2"] == "Jízdní řády linky 2"


def test_preview_reports_without_writing(engine: Engine, site: CkanSite) -> None:
    report = preview_source(engine, "liberec-ckan", http=http(), settings=SETTINGS)
    assert report.counts.added == 5
    assert report.preview.added[0] == "Jízdní řády linky 1"
    assert datasets(engine) == []
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(HarvestJob)).one() == 0
        assert session.exec(select(func.count()).select_from(HarvestRecord)).one() == 0
        assert session.exec(select(func.count()).select_from(Distribution)).one() == 0


def _hold_lock(engine: Engine, pid: int) -> int:
    with Session(engine) as session:
        source = session.exec(select(HarvestSource)).one()
        source_id = source.id or 0
    job_id = jobs.create_job(engine, source_id, full=True, now=Clock().now)
    with transaction(engine) as session:
        job = session.get(HarvestJob, job_id)
        assert job is not None
        job.status, job.pid = JobStatus.RUNNING, pid
    assert jobs.acquire_lock(engine, source_id, job_id, Clock().now)
    return job_id


def test_two_runs_of_one_source_cannot_overlap(engine: Engine, site: CkanSite) -> None:
    import os

    _hold_lock(engine, os.getpid())  # a live process holds the source
    with pytest.raises(SourceBusy):
        run(engine)
    assert datasets(engine) == []


def test_a_job_whose_process_died_is_closed_as_failed(engine: Engine, site: CkanSite) -> None:
    dead = subprocess.Popen(["sleep", "0"])
    dead.wait()
    stuck = _hold_lock(engine, dead.pid)
    report = run(engine)
    assert report.status is JobStatus.DONE and report.counts.added == 5
    with Session(engine) as session:
        job = session.get(HarvestJob, stuck)
        assert job is not None and job.status == JobStatus.FAILED
        assert "ended without finishing" in (job.error or "")


def test_a_job_past_its_timeout_stops_and_keeps_nothing(engine: Engine, site: CkanSite) -> None:
    class Jumping(Clock):
        def __call__(self):  # type: ignore[no-untyped-def]
            self.advance(hours=2)  # every look at the clock is two hours later
            return self.now

    report = run(engine, Jumping())
    assert report.status is JobStatus.FAILED
    assert "longer than the timeout" in (report.error or "")
    assert datasets(engine) == []


def test_show_json_of_a_job_lists_counts(engine: Engine, site: CkanSite) -> None:
    from harvesters.queries import last_jobs

    run(engine)
    with Session(engine) as session:
        source = session.exec(select(HarvestSource)).one()
        payload = last_jobs(session, source, 1)[0].as_json()
    assert json.loads(json.dumps(payload))["counts"]["added"] == 5
    assert payload["status"] == "done"


def test_a_source_that_suddenly_lists_nothing_archives_nothing(engine: Engine,
                                                               site: CkanSite) -> None:
    clock = Clock()
    run(engine, clock)
    site.packages.clear()
    clock.advance(days=30)
    report = run(engine, clock, full=True)
    assert report.counts.archived == 0
    assert any("listed no records" in i.message for i in report.issues)
    assert all(d.state == RecordState.PUBLISHED for d in datasets(engine))
