"""The REST API v1: cursor pagination, filters, ETags, problem details, CORS, documentation."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from flask.testing import FlaskClient

from tests.conftest import BASE_URL


def _follow(client: FlaskClient, url: str) -> list[dict[str, Any]]:
    """Every item of a listing, page by page along the next links."""
    items: list[dict[str, Any]] = []
    next_url: str | None = url
    while next_url:
        parts = urlsplit(next_url)
        response = client.get(parts.path + ("?" + parts.query if parts.query else ""))
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        items.extend(body["items"])
        next_url = body["next"]
    return items


def test_cursor_pages_cover_the_listing_once(demo_client: FlaskClient) -> None:
    total = demo_client.get("/api/v1/datasets?limit=1").get_json()["total"]
    items = _follow(demo_client, "/api/v1/datasets?limit=7")
    slugs = [item["slug"] for item in items]
    assert len(slugs) == len(set(slugs)) == total
    stamps = [item["updated_at"] for item in items]
    assert stamps == sorted(stamps, reverse=True)


def test_search_listing_pages_and_filters(demo_client: FlaskClient) -> None:
    items = _follow(demo_client, "/api/v1/datasets?theme=TRAN&limit=3")
    assert items and all("TRAN" in item["themes"] for item in items)
    found = demo_client.get("/api/v1/datasets?q=vlak&format=CSV").get_json()
    assert found["total"] >= 1
    assert all(any(d["format"] == "CSV" for d in item["distributions"])
               for item in found["items"])
    publisher = demo_client.get("/api/v1/datasets?publisher=korid-lk&limit=100").get_json()
    assert publisher["items"] and {i["publisher"]["slug"] for i in publisher["items"]} == {
        "korid-lk"}
    nobody = demo_client.get("/api/v1/datasets?publisher=no-such-publisher").get_json()
    assert nobody == {"total": 0, "limit": 20, "next": None, "items": []}


def test_other_listings_page_to_the_end(demo_client: FlaskClient) -> None:
    for path, key in (("/api/v1/objects?limit=40", "id"), ("/api/v1/publishers?limit=4", "slug"),
                      ("/api/v1/institutions?limit=2", "slug"), ("/api/v1/themes?limit=5", "code"),
                      ("/api/v1/wifi-locations?limit=5", "slug"),
                      ("/api/v1/distributions?limit=50", "id"),
                      ("/api/v1/objects?q=sklo&limit=5", "id"),
                      ("/api/v1/search?q=liberec&limit=25", "id")):
        first = demo_client.get(path).get_json()
        items = _follow(demo_client, path)
        assert len(items) == first["total"] > 0, path
        # unique within a kind: a search's object and reuse may share an id
        assert len({(item.get("kind"), str(item[key])) for item in items}) == len(items), path


def test_details_and_not_found_problems(demo_client: FlaskClient) -> None:
    dataset = demo_client.get("/api/v1/datasets?limit=1").get_json()["items"][0]
    detail = demo_client.get(f"/api/v1/datasets/{dataset['slug']}").get_json()
    assert detail == dataset
    dist = detail["distributions"][0]
    assert demo_client.get(f"/api/v1/distributions/{dist['id']}").get_json() == dist
    assert demo_client.get("/api/v1/themes/TRAN").get_json()["label"]["cs"] == "Doprava"
    missing = demo_client.get("/api/v1/datasets/no-such-dataset")
    assert missing.status_code == 404
    assert missing.content_type == "application/problem+json"
    problem = missing.get_json()
    assert problem["status"] == 404 and problem["instance"] == "/api/v1/datasets/no-such-dataset"
    assert demo_client.get("/api/v1/objects/999999").status_code == 404
    assert demo_client.get("/api/v1/nothing-here").content_type == "application/problem+json"


def test_bad_parameters_are_named(demo_client: FlaskClient) -> None:
    for query, name in (("limit=0", "limit"), ("limit=abc", "limit"), ("theme=NOPE", "theme.0"),
                        ("sort=random", "sort"), ("cursor=bm90LWEtY3Vyc29y", "cursor"),
                        ("cursor=%22%3B--", "cursor"), ("unknown=1", "unknown"),
                        ("limit=1&limit=2", "limit")):
        response = demo_client.get(f"/api/v1/datasets?{query}")
        assert response.status_code == 400, query
        assert response.content_type == "application/problem+json"
        assert response.get_json()["invalid_params"][0]["name"] == name, query


def test_etag_answers_304_when_unchanged(demo_client: FlaskClient) -> None:
    first = demo_client.get("/api/v1/themes")
    etag = first.headers["ETag"]
    again = demo_client.get("/api/v1/themes", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    other = demo_client.get("/api/v1/themes", headers={"If-None-Match": '"other"'})
    assert other.status_code == 200
    bad = demo_client.get("/api/v1/themes", headers={"If-None-Match": "no quotes"})
    assert bad.status_code == 400


def test_method_not_allowed_says_what_is(demo_client: FlaskClient) -> None:
    response = demo_client.post("/api/v1/datasets", json={})
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    assert response.content_type == "application/problem+json"


def test_reads_are_open_to_other_origins(demo_client: FlaskClient) -> None:
    response = demo_client.get("/api/v1/themes", headers={"Origin": "https://app.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    action = demo_client.get("/api/3/action/site_read", headers={"Origin": "https://x.example"})
    assert action.headers["Access-Control-Allow-Origin"] == "*"


def test_documentation_page_is_generated_from_the_document(demo_client: FlaskClient) -> None:
    page = demo_client.get("/api/v1/docs?lang=en")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    document = demo_client.get("/api/v1/openapi.json").get_json()
    for methods in document["paths"].values():
        assert methods["get"]["operationId"] in html
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    external = [a for a in assets if re.match(r"(https?:)?//", a) and not a.startswith(BASE_URL)]
    assert external == []
