"""Collection search for people: the place and maker facets next to institution, object type,
material and period, and each museum's collection statistics."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from catalog.demo import read_demo
from catalog.museum.statistics import century

DEMO = read_demo("objects")["objects"]


def test_objects_have_all_six_facets(demo_client: FlaskClient) -> None:
    page = demo_client.get("/objects?lang=en").get_data(as_text=True)
    for title in ("Institution", "Object type", "Material", "Period", "Place of production",
                  "Maker"):
        assert f"<legend>{title}" in page or f">{title}<" in page, title


def result_count(client: FlaskClient, **filters: str) -> int:
    page = client.get("/objects", query_string={**filters, "lang": "en"})
    assert page.status_code == 200
    found = re.search(r"(\d+) results?<", page.get_data(as_text=True))
    assert found, "no result count on the page"
    return int(found.group(1))


def test_the_maker_and_place_facets_filter_the_objects(demo_client: FlaskClient) -> None:
    maker = DEMO[0]["production"]["maker"]
    assert result_count(demo_client, maker=maker) == sum(
        1 for o in DEMO if o["production"].get("maker") == maker)
    place = DEMO[0]["production"]["place"]
    assert result_count(demo_client, place=place) == sum(
        1 for o in DEMO if o["production"].get("place") == place)


def test_a_museum_statistics_page_counts_its_collection(demo_client: FlaskClient) -> None:
    slug = "oblastni-galerie-liberec"
    mine = [o for o in DEMO if o["institution"] == slug]
    page = demo_client.get(f"/institutions/{slug}/statistics?lang=en").get_data(as_text=True)
    assert f"<dt>Published records</dt><dd>{len(mine)}</dd>" in page
    biggest = max({o["collection"] for o in mine},
                  key=lambda c: sum(1 for o in mine if o["collection"] == c))
    count = sum(1 for o in mine if o["collection"] == biggest)
    assert f'<th scope="row">{biggest}</th><td>{count}</td>' in page
    institution = demo_client.get(f"/institutions/{slug}").get_data(as_text=True)
    assert f"/institutions/{slug}/statistics" in institution
    assert demo_client.get("/institutions/nikde/statistics").status_code == 404


def test_centuries_count_from_year_one() -> None:
    assert [century(y) for y in (1, 100, 101, 1800, 1801, 1900, 1901, 0, -99, -100)] == [
        1, 1, 2, 18, 19, 19, 20, 0, 0, -1]
