"""The CKAN-compatible Action API, driven by the real ckanapi client (its Python API and its
command line) against the demo catalog served over HTTP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import ckanapi
import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.servers import serving

CKANAPI = Path(sys.executable).with_name("ckanapi")


@pytest.fixture(scope="module")
def portal_url(demo_app: Flask) -> Iterator[str]:
    with serving(demo_app) as url:
        yield url


@pytest.fixture
def remote(portal_url: str) -> ckanapi.RemoteCKAN:
    return ckanapi.RemoteCKAN(portal_url, user_agent="portal-tests")


def test_package_search_returns_ckan_shapes(remote: ckanapi.RemoteCKAN) -> None:
    result = remote.action.package_search(q="vlak", rows=2,
                                          **{"facet.field": ["organization", "res_format"]})
    assert result["count"] >= 2 and len(result["results"]) == 2
    assert result["sort"] == "score desc, metadata_modified desc"
    package = result["results"][0]
    for key in ("id", "name", "title", "notes", "owner_org", "organization", "resources",
                "tags", "extras", "metadata_modified", "license_id", "groups"):
        assert key in package
    assert package["organization"]["is_organization"] is True
    assert package["resources"][0]["url"].startswith("http")
    items = result["search_facets"]["organization"]["items"]
    assert {"name", "display_name", "count"} <= set(items[0])
    assert result["facets"]["organization"] == {i["name"]: i["count"] for i in items}
    names = [i["display_name"] for i in result["search_facets"]["res_format"]["items"]]
    assert names == sorted(names, reverse=True)


def test_package_search_filters_like_ckan(remote: ckanapi.RemoteCKAN) -> None:
    every = remote.action.package_search(rows=0)["count"]
    korid = remote.action.package_search(fq="organization:korid-lk", rows=1000)
    assert 0 < korid["count"] < every
    assert {p["organization"]["name"] for p in korid["results"]} == {"korid-lk"}
    both = remote.action.package_search(fq='+groups:tran AND res_format:(CSV OR "GeoJSON")',
                                        rows=1000)
    for package in both["results"]:
        assert "tran" in [g["name"] for g in package["groups"]]
        assert {r["format"] for r in package["resources"]} & {"CSV", "GeoJSON"}
    as_list = remote.action.package_search(fq_list=["groups:tran"], rows=0)
    assert as_list["count"] >= both["count"] > 0


def test_package_search_pages_with_rows_and_start(remote: ckanapi.RemoteCKAN) -> None:
    first = remote.action.package_search(rows=5, start=0)["results"]
    second = remote.action.package_search(rows=5, start=5)["results"]
    assert len(first) == len(second) == 5
    assert not {p["id"] for p in first} & {p["id"] for p in second}
    stamps = [p["metadata_modified"] for p in first + second]
    assert stamps == sorted(stamps, reverse=True)


def test_rows_above_the_maximum_are_clamped(client_demo: FlaskClient) -> None:
    body = client_demo.get("/api/3/action/package_search?rows=5000").get_json()
    assert body["success"] is True
    assert len(body["result"]["results"]) == body["result"]["count"]  # demo < 1000 datasets


def test_package_show_and_resource_show(remote: ckanapi.RemoteCKAN) -> None:
    name = remote.action.package_list(limit=1)[0]
    package = remote.action.package_show(id=name)
    assert package["name"] == name
    assert remote.action.package_show(id=package["id"])["name"] == name
    resource = remote.action.resource_show(id=package["resources"][0]["id"])
    assert resource["package_id"] == package["id"]
    with pytest.raises(ckanapi.NotFound):
        remote.action.package_show(id="no-such-dataset")
    with pytest.raises(ckanapi.NotFound):
        remote.action.resource_show(id="999999")


def test_lists_organizations_groups_tags_licences(remote: ckanapi.RemoteCKAN) -> None:
    names = remote.action.organization_list()
    assert "korid-lk" in names
    full = remote.action.organization_list(all_fields=True, sort="package_count desc")
    counts = [o["package_count"] for o in full]
    assert counts == sorted(counts, reverse=True) and counts[0] > 0
    org = remote.action.organization_show(id="korid-lk", include_datasets=True)
    assert org["package_count"] > 0 and org["packages"]
    assert "tran" in remote.action.group_list()
    group = remote.action.group_show(id="tran")
    assert group["package_count"] > 0 and group["title"] == "Doprava"
    tags = remote.action.tag_list(query="vlak")
    assert tags and all("vlak" in t.casefold() for t in tags)
    assert {lic["id"] for lic in remote.action.license_list()} >= {"CC-BY-4.0", "CC0-1.0"}
    assert remote.action.site_read() is True
    assert remote.action.status_show()["ckan_version"].startswith("2.")


def test_current_package_list_with_resources(remote: ckanapi.RemoteCKAN) -> None:
    packages = remote.action.current_package_list_with_resources(limit=3)
    assert len(packages) == 3 and all("resources" in p for p in packages)


def test_get_only_client_works(portal_url: str) -> None:
    remote = ckanapi.RemoteCKAN(portal_url, get_only=True)
    result = remote.action.package_search(fq="groups:tran", rows=1)
    assert result["count"] > 0


def test_errors_reach_ckanapi_as_its_exceptions(remote: ckanapi.RemoteCKAN) -> None:
    with pytest.raises(ckanapi.SearchQueryError):
        remote.action.package_search(fq="{!join from=id to=id}name:x")
    with pytest.raises(ckanapi.SearchQueryError):
        remote.action.package_search(sort="random_1234 desc")
    with pytest.raises(ckanapi.ValidationError) as invalid:
        remote.action.package_search(rows=-1)
    assert "rows" in invalid.value.error_dict
    with pytest.raises(ckanapi.CKANAPIError):
        remote.call_action("no_such_action")


def test_ckanapi_command_line(portal_url: str) -> None:
    run = subprocess.run([str(CKANAPI), "action", "package_search", "fq=groups:tran", "rows=2",
                          "-r", portal_url], capture_output=True, text=True, timeout=60,
                         check=False)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["count"] > 0 and len(result["results"]) == 2
    # dump starts worker processes by the name "ckanapi": its folder goes on the PATH
    env = {**os.environ, "PATH": f"{CKANAPI.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    dump = subprocess.run([str(CKANAPI), "dump", "datasets", "--all", "-r", portal_url,
                           "-p", "2"], capture_output=True, text=True, timeout=120, check=False,
                          env=env)
    assert dump.returncode == 0, dump.stderr
    lines = [json.loads(line) for line in dump.stdout.splitlines() if line.strip()]
    assert len(lines) == result_count(portal_url)


def result_count(url: str) -> int:
    count: int = ckanapi.RemoteCKAN(url).action.package_search(rows=0)["count"]
    return count


@pytest.fixture
def client_demo(demo_client: FlaskClient) -> FlaskClient:
    return demo_client


def test_envelope_and_bad_requests(demo_client: FlaskClient) -> None:
    ok = demo_client.get("/api/action/site_read").get_json()
    assert ok["help"].endswith("/api/3/action/help_show?name=site_read")
    assert ok["success"] is True and ok["result"] is True
    unknown = demo_client.get("/api/3/action/drop_everything")
    assert unknown.status_code == 400
    assert unknown.get_json() == "Bad request: Action name not known: drop_everything"
    bad_json = demo_client.post("/api/3/action/package_search", data="{rows:",
                                content_type="application/json")
    assert bad_json.status_code == 400 and bad_json.get_json().startswith("Bad request: JSON")
    not_object = demo_client.post("/api/3/action/package_search", json=[1, 2])
    assert not_object.status_code == 400
    wrong_type = demo_client.post("/api/3/action/package_search", json={"rows": {"a": 1}})
    assert wrong_type.status_code == 409
    assert wrong_type.get_json()["error"] == {"__type": "Validation Error",
                                              "rows": ["Invalid integer"]}
    huge = demo_client.post("/api/3/action/package_search", data=b" " * (2 * 1024 * 1024),
                            content_type="application/json")
    assert huge.status_code == 413
    assert demo_client.get("/api/3").get_json() == {"version": 3}
    missing = demo_client.get("/api/3/action/package_show")
    assert missing.status_code == 409
    assert missing.get_json()["error"]["id"] == ["Missing value"]
