"""Reuses through the APIs: REST v1 (`/api/v1/reuses`, cursor pages, filters) and
ckanext-showcase's actions on the CKAN Action API, read with the real ckanapi client over HTTP;
only published reuses are served."""

from __future__ import annotations

import ckanapi
import pytest
from flask import Flask
from flask.testing import FlaskClient

from catalog.accounts.services import principal
from catalog.db import transaction
from catalog.reuses import services
from catalog.reuses.models import ReuseType
from portal.state import state
from tests.accounts import make_user
from tests.conftest import BASE_URL
from tests.test_api_ckan import portal_url, remote  # noqa: F401 - the ckanapi fixtures

DEMO_REUSES = 5


def test_rest_lists_published_reuses_newest_first_in_cursor_pages(demo_client: FlaskClient) -> None:
    url: str | None = "/api/v1/reuses?limit=2"
    seen = []
    while url:
        page = demo_client.get(url.removeprefix(BASE_URL)).get_json()
        assert page["total"] == DEMO_REUSES and len(page["items"]) <= 2
        seen += page["items"]
        url = page["next"]
    assert len({r["id"] for r in seen}) == DEMO_REUSES
    stamps = [r["published_at"] for r in seen]
    assert stamps == sorted(stamps, reverse=True)
    first = seen[0]
    assert set(first) == {
        "id",
        "type",
        "title",
        "description",
        "url",
        "author_name",
        "language",
        "datasets",
        "published_at",
        "updated_at",
        "links",
    }
    assert first["links"]["html"] == f"{BASE_URL}/reuses/{first['id']}"
    assert first["datasets"][0]["links"]["self"].startswith(f"{BASE_URL}/api/v1/datasets/")


def test_rest_filters_by_type_and_dataset_and_refuses_bad_values(demo_client: FlaskClient) -> None:
    ideas = demo_client.get("/api/v1/reuses?type=idea").get_json()
    assert ideas["total"] == 1 and ideas["items"][0]["type"] == "idea"
    used = demo_client.get("/api/v1/reuses?dataset=zastavky-verejne-dopravy").get_json()
    assert used["total"] == 2
    assert all(
        "zastavky-verejne-dopravy" in [d["slug"] for d in r["datasets"]] for r in used["items"]
    )
    assert demo_client.get("/api/v1/reuses?dataset=neexistuje").get_json()["total"] == 0
    bad = demo_client.get("/api/v1/reuses?type=malware")
    assert bad.status_code == 400 and bad.mimetype == "application/problem+json"
    assert bad.get_json()["invalid_params"][0]["name"] == "type"
    assert demo_client.get("/api/v1/reuses?cursor=eyJvIjoxfQ").status_code == 400


def test_rest_shows_one_published_reuse_and_hides_pending_ones(demo_app: Flask) -> None:
    client = demo_app.test_client()
    one = client.get("/api/v1/reuses/1")
    assert one.status_code == 200 and one.headers["ETag"]
    assert (
        client.get("/api/v1/reuses/1", headers={"If-None-Match": one.headers["ETag"]}).status_code
        == 304
    )
    engine = state(demo_app).engine
    with transaction(engine) as session:
        user = principal(session, make_user(engine, "api-reuse@example.test"))
        pending = services.submit(
            session,
            user,
            {
                "type": "idea",
                "title": "Čekající nápad",
                "description": "Zatím neschváleno.",
                "url": "https://napad.example/",
                "datasets": ["jizdni-rady-idol-gtfs"],
            },
        )
    try:
        assert client.get(f"/api/v1/reuses/{pending.id}").status_code == 404
        assert client.get("/api/v1/reuses").get_json()["total"] == DEMO_REUSES
        listed = client.get("/api/3/action/ckanext_showcase_list").get_json()["result"]
        assert pending.id not in [int(s["id"]) for s in listed]
    finally:
        with transaction(engine) as session:  # the demo app is shared: leave it as it was
            services.moderate(
                session,
                principal(session, make_user(engine, "api-root@example.test", sysadmin=True)),
                pending.id or 0,
                {"decision": "rejected", "note": "test"},
            )


def test_openapi_document_declares_the_reuse_operations(demo_client: FlaskClient) -> None:
    document = demo_client.get("/api/v1/openapi.json").get_json()
    assert {"/reuses", "/reuses/{id}"} <= set(document["paths"])
    schema = document["components"]["schemas"]["ReuseRecord"]
    assert schema["additionalProperties"] is False
    assert schema["properties"]["type"]["enum"] == [t.value for t in ReuseType]


def test_ckanapi_reads_showcases(remote: ckanapi.RemoteCKAN) -> None:  # noqa: F811
    assert "showcase" in remote.action.status_show()["extensions"]  # how clients detect it
    showcases = remote.action.ckanext_showcase_list()
    assert len(showcases) == DEMO_REUSES
    first = showcases[0]
    assert first["type"] == "showcase" and first["state"] == "active"
    assert first["url"].startswith("https://") and first["name"] == f"reuse-{first['id']}"
    by_name = remote.action.ckanext_showcase_show(id=first["name"])
    assert by_name == remote.action.ckanext_showcase_show(id=first["id"]) == first
    packages = remote.action.ckanext_showcase_package_list(showcase_id=first["id"])
    assert len(packages) == first["num_datasets"] and packages[0]["type"] == "dataset"
    used = remote.action.ckanext_package_showcase_list(package_id="zastavky-verejne-dopravy")
    assert len(used) == 2 and all(s["type"] == "showcase" for s in used)
    package = remote.action.package_show(id="zastavky-verejne-dopravy")
    assert remote.action.ckanext_package_showcase_list(package_id=package["id"]) == used


def test_ckanapi_gets_ckans_errors_for_showcases(remote: ckanapi.RemoteCKAN) -> None:  # noqa: F811
    with pytest.raises(ckanapi.NotFound):
        remote.action.ckanext_showcase_show(id="reuse-999999")
    with pytest.raises(ckanapi.NotFound):
        remote.action.ckanext_showcase_show(id="<script>")
    with pytest.raises(ckanapi.ValidationError) as missing:
        remote.action.ckanext_package_showcase_list()
    assert missing.value.error_dict["package_id"] == ["Missing value"]
    with pytest.raises(ckanapi.ValidationError) as unknown:
        remote.action.ckanext_package_showcase_list(package_id="neexistuje")
    assert unknown.value.error_dict["package_id"] == ["Not found: Dataset"]


def test_rest_search_finds_published_reuses_with_links_to_them(demo_client: FlaskClient) -> None:
    everything = demo_client.get("/api/v1/search?q=displeji").get_json()
    assert everything["kinds"].get("reuse") == 1
    [hit] = [i for i in everything["items"] if i["kind"] == "reuse"]
    assert hit["title"]["cs"] == "Odjezdy IDOL na displeji v čekárně"
    assert hit["links"] == {"self": f"{BASE_URL}/api/v1/reuses/{hit['id']}",
                            "html": f"{BASE_URL}/reuses/{hit['id']}"}
    record = demo_client.get(hit["links"]["self"].removeprefix(BASE_URL)).get_json()
    assert record["title"] == "Odjezdy IDOL na displeji v čekárně"
    only = demo_client.get("/api/v1/search?kind=reuse&limit=50").get_json()
    assert only["total"] == DEMO_REUSES and {i["kind"] for i in only["items"]} == {"reuse"}
    assert demo_client.get("/api/v1/search?kind=showcase").status_code == 400
