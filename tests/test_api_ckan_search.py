"""package_search as CKAN clients use it beyond facets: Solr date ranges on metadata_modified
and metadata_created, and the unpublished datasets include_private / include_drafts add for a
token whose user may see them (through the real ckanapi client)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import ckanapi
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine
from sqlmodel import Session

from catalog import batches
from catalog.accounts.models import Role
from catalog.ckan_query import SearchQueryError, solr_date
from catalog.db import transaction
from catalog.models import AgentKind, Dataset, RecordState
from catalog.search.base import Range
from catalog.search.tantivy_index import TantivyIndex
from catalog.services import create_dataset, ensure_local_catalog, upsert_agent
from portal.state import state
from tests.accounts import make_org, make_user
from tests.conftest import BASE_URL
from tests.records import PUBLISHER, dataset
from tests.servers import serving
from tests.test_api_tokens import OTHER, PACKAGE, _token

NOW = datetime(2026, 3, 31, 10, 30, 15, 123456)


@pytest.mark.parametrize(("text", "expected"), [
    ("2024-01-31", datetime(2024, 1, 31)),
    ("2024-01-31T12:05:00Z", datetime(2024, 1, 31, 12, 5)),
    ("2024-01-31T12:05:00.5+02:00", datetime(2024, 1, 31, 10, 5, 0, 500000)),
    ("NOW", NOW),
    ("NOW-7DAYS", datetime(2026, 3, 24, 10, 30, 15, 123456)),
    ("NOW/DAY", datetime(2026, 3, 31)),
    ("NOW-1MONTH/DAY", datetime(2026, 2, 28)),  # 31 February is clamped to the month's end
    ("NOW+1DAY/DAY", datetime(2026, 4, 1)),
    ("NOW/YEAR-1YEAR", datetime(2025, 1, 1)),
    ("2024-02-29-1YEAR", datetime(2023, 2, 28)),
    ("NOW-2HOURS/HOUR", datetime(2026, 3, 31, 8)),
    ("*", None),
])
def test_range_bounds_read_like_solr_dates(text: str, expected: datetime | None) -> None:
    assert solr_date(text, NOW) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("2024-13-01", "'2024-13-01' is not a valid date"),
    ("yesterday", "'yesterday' is not a date"),
    ("NOW-1WEEK", "cannot read the date math '-1WEEK'"),
    ("NOW+99999YEARS", "out of range"),
])
def test_bad_range_bounds_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(SearchQueryError, match=message):
        solr_date(text, NOW)


@pytest.fixture(scope="module")
def remote(demo_app: Flask) -> Iterator[ckanapi.RemoteCKAN]:
    with serving(demo_app) as url:
        yield ckanapi.RemoteCKAN(url, user_agent="portal-tests")


def test_fq_ranges_on_metadata_modified_and_created(remote: ckanapi.RemoteCKAN) -> None:
    every = remote.action.package_search(rows=1000)["results"]
    stamps = sorted({p["metadata_modified"] for p in every})
    middle = stamps[len(stamps) // 2]
    assert len(stamps) > 2  # the demo datasets were changed at different times
    since = remote.action.package_search(fq=f"metadata_modified:[{middle}Z TO *]", rows=1000)
    assert since["count"] == len([p for p in every if p["metadata_modified"] >= middle]) > 0
    assert {p["id"] for p in since["results"]} == {
        p["id"] for p in every if p["metadata_modified"] >= middle}
    after = remote.action.package_search(fq=f"metadata_modified:{{{middle}Z TO NOW]", rows=0)
    assert after["count"] == len([p for p in every if p["metadata_modified"] > middle])
    # the same through the search index (a text query and facets) and as a field query in q
    indexed = remote.action.package_search(q=f"metadata_modified:[{middle}Z TO *]", rows=0,
                                           **{"facet.field": ["groups"]})
    assert indexed["count"] == since["count"] and indexed["results"] == []  # rows=0: none
    assert sum(indexed["facets"]["groups"].values()) >= since["count"]
    assert remote.action.package_search(fq="metadata_created:[* TO NOW]", rows=0)["count"] \
        == len(every)
    assert remote.action.package_search(fq="metadata_created:[NOW-7DAYS TO NOW/DAY+1DAY]",
                                        rows=0)["count"] == len(every)
    old = "metadata_modified:[* TO 2012-01-01] AND metadata_created:[2000-01-01 TO NOW]"
    assert remote.action.package_search(fq=old, q="vlak")["count"] == 0
    with_org = remote.action.package_search(
        fq=f"organization:korid-lk AND metadata_modified:[{stamps[0]}Z TO *]", rows=1000)
    assert with_org["count"] == len([p for p in every
                                     if p["organization"]["name"] == "korid-lk"]) > 0


@pytest.mark.parametrize(("fq", "message"), [
    ("metadata_modified:[2024-13-01 TO *]", "'2024-13-01' is not a valid date"),
    ("metadata_modified:[2024-01-01 *]", "expected TO between the bounds of the range"),
    ("metadata_modified:[2024-01-01 TO *", "expected ] or } to close the range"),
    ("groups:[a TO b]", "range queries are supported on metadata_created and "
                        "metadata_modified only"),
    ("metadata_created:2024-01-01", "filter metadata_created by a range"),
])
def test_malformed_ranges_are_refused_precisely(demo_client: FlaskClient, fq: str,
                                                message: str) -> None:
    response = demo_client.get("/api/3/action/package_search", query_string={"fq": fq})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["__type"] == "Search Query Error"
    assert error["message"].startswith("Search Query is invalid: ")
    assert message in error["message"] and "at position" in error["message"]


def test_drafts_are_listed_only_for_members_who_ask(app: Flask) -> None:
    make_org(app, OTHER)
    editor = make_user(app, "editor@example.test", role=Role.EDITOR, org=PUBLISHER)
    outsider = make_user(app, "outsider@example.test", role=Role.EDITOR, org=OTHER)
    with serving(app) as url:
        writer = ckanapi.RemoteCKAN(url, apikey=_token(app, editor, "write", [PUBLISHER]))
        writer.action.package_create(**PACKAGE)
        draft = writer.action.package_create(**{**PACKAGE, "name": "parkoviste-navrh",
                                                 "title": "Parkoviště (návrh)", "private": True})
        assert draft["state"] == "draft" and draft["private"] is True
        reader = ckanapi.RemoteCKAN(url, apikey=_token(app, editor, "read", []))
        anonymous = ckanapi.RemoteCKAN(url)
        other = ckanapi.RemoteCKAN(url, apikey=_token(app, outsider, "read", []))

        def names(remote: ckanapi.RemoteCKAN, **data: object) -> list[str]:
            return [p["name"] for p in remote.action.package_search(**data)["results"]]

        assert names(reader) == ["parkoviste-turnov"]
        assert names(anonymous, include_private=True, include_drafts=True) \
            == ["parkoviste-turnov"]
        assert names(other, include_private=True) == ["parkoviste-turnov"]
        assert names(reader, include_private=True) == ["parkoviste-navrh", "parkoviste-turnov"]
        assert names(writer, include_drafts=True) == ["parkoviste-navrh", "parkoviste-turnov"]
        assert names(reader, include_private=True, q="návrh") == ["parkoviste-navrh"]
        assert names(reader, include_private=True, fq="capacity:public") \
            == ["parkoviste-turnov"]
        assert names(reader, include_drafts=True, fq="state:draft AND groups:tran") \
            == ["parkoviste-navrh"]
        assert names(reader, include_private=True, rows=1, start=1) == ["parkoviste-turnov"]
        found = reader.action.package_search(include_private=True, rows=1,
                                             **{"facet.field": ["organization"]})
        assert found["count"] == 2 and found["results"][0]["private"] is True
        assert found["facets"]["organization"] == {PUBLISHER["slug"]: 2}
        with pytest.raises(ckanapi.ValidationError):
            reader.action.package_search(include_private="maybe")


def test_listings_show_each_change_of_a_dataset_and_its_publisher(app: Flask) -> None:
    editor = make_user(app, "editor@example.test", role=Role.EDITOR, org=PUBLISHER)
    with serving(app) as url:
        writer = ckanapi.RemoteCKAN(url, apikey=_token(app, editor, "write", [PUBLISHER]))
        created = writer.action.package_create(**PACKAGE)
        client = app.test_client()

        def listed() -> tuple[dict, dict]:
            package = writer.action.package_search()["results"][0]
            record = client.get("/api/v1/datasets").get_json()["items"][0]
            return package, record

        package, record = listed()  # rendered once, then kept by the render cache
        assert package["title"] == record["title"]["cs"] == PACKAGE["title"]
        writer.action.package_patch(id=created["id"], title="Parkoviště Turnov")
        package, record = listed()
        assert package["title"] == record["title"]["cs"] == "Parkoviště Turnov"
        with transaction(state(app).engine) as session:
            upsert_agent(session, {**PUBLISHER, "name": {"cs": "Kraj Liberecký"}},
                         kind=AgentKind.PUBLISHER, base_url=state(app).settings.base_url)
        package, record = listed()
        assert package["organization"]["title"] == record["publisher"]["name"]["cs"] \
            == "Kraj Liberecký"


def test_newest_listing_takes_ranges_and_states_and_counts_without_an_index(
        engine: Engine, tmp_path: Path) -> None:
    with transaction(engine) as session:
        ensure_local_catalog(session, BASE_URL, {"cs": "Katalog"})
        agent = upsert_agent(session, PUBLISHER, kind=AgentKind.PUBLISHER, base_url=BASE_URL)
        for n in range(4):
            created = create_dataset(session, dataset(f"sada-{n}"), base_url=BASE_URL)
            created.updated_at = datetime(2024, 1, 1 + n)
            created.created_at = datetime(2023, 1, 1 + n)
            created.state = RecordState.DRAFT if n == 3 else RecordState.PUBLISHED
    down = TantivyIndex(tmp_path / "never-built")  # the database counts when it cannot
    with Session(engine) as session:
        ranges = {"updated": Range(datetime(2024, 1, 2), include_low=False),
                  "created": Range(None, datetime(2023, 1, 4))}
        page = batches.newest_datasets_page(session, 10, ranges=ranges, count=False)
        assert [session.get(Dataset, i).slug for i in page.ids] == ["sada-2"]
        assert batches.datasets_total(session, down, ranges=ranges) == 1
        assert batches.datasets_total(session, down, [agent]) == 3
        drafts = batches.newest_datasets_page(session, 10, state=RecordState.DRAFT)
        assert drafts.total == 1
        versions = batches.dataset_versions(session, [*drafts.ids, *page.ids, 999])
        assert {i: v[:2] for i, v in versions.items()} == {
            drafts.ids[0]: (datetime(2024, 1, 4), RecordState.DRAFT),
            page.ids[0]: (datetime(2024, 1, 3), RecordState.PUBLISHED)}
