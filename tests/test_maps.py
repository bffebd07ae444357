"""Maps: folium scripts served from our own URLs with Leaflet from our static folder, tiles
from configuration, the bounding-box search on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import Engine
from sqlmodel import Session

from catalog.db import transaction
from catalog.errors import ConfigurationError
from catalog.geo import BBox, datasets_in_bbox
from catalog.models import AgentKind
from catalog.services import create_dataset, upsert_agent
from portal.app import create_app
from portal.maps import Place, Tiles, build_map, map_script
from tests.conftest import BASE_URL, make_settings
from tests.records import PUBLISHER, dataset


def test_wifi_map_script_draws_every_location_with_our_leaflet(demo_client: FlaskClient) -> None:
    html = demo_client.get("/").get_data(as_text=True)
    assert 'data-leaflet="/static/vendor/leaflet/leaflet.js"' in html
    assert 'data-map-script="/maps/wifi.js"' in html and 'id="map_wifi"' in html
    response = demo_client.get("/maps/wifi.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    script = response.get_data(as_text=True)
    assert 'L.map(\n                "map_wifi"' in script
    links = re.findall(r'href="/wifi/([a-z0-9-]+)"', html)
    assert script.count("L.circleMarker(") == len(set(links)) >= 6
    assert "tileLayer" not in script, "no tiles configured: markers on a plain background"
    assert "http" not in script, "the script loads nothing from elsewhere"


def test_dataset_coverage_and_object_place_maps(demo_client: FlaskClient) -> None:
    slug = "parkoviste-u-nadrazi-jablonec"  # a demo dataset with a bounding box
    page = demo_client.get(f"/datasets/{slug}").get_data(as_text=True)
    assert f'<script src="/maps/datasets/{slug}.js"></script>' in page
    assert demo_client.get("/maps/datasets/odjezdy-vlaku-liberec-hlavni-nadrazi.js"
                           ).status_code == 404, "no bounding box, no map"
    assert "L.rectangle(" in demo_client.get(f"/maps/datasets/{slug}.js").get_data(as_text=True)
    objects = demo_client.get("/objects?q=liberec").get_data(as_text=True)
    placed = [href for href in re.findall(r'href="(/objects/\d+)"', objects)
              if "/maps/objects/" in demo_client.get(href).get_data(as_text=True)]
    assert placed, "demo objects made in Liberec have a map"
    assert demo_client.get(f"/maps{placed[0]}.js").status_code == 200


def test_map_search_filters_by_bounding_box(demo_client: FlaskClient) -> None:
    def count(url: str) -> int:
        return len(re.findall(r'<li><a href="/datasets/', demo_client.get(url).get_data(
            as_text=True)))

    everything = count("/map")
    jablonec = count("/map?bbox=15.15,50.70,15.20,50.74")
    assert 0 < jablonec < everything
    assert count("/map?west=15.15&south=50.70&east=15.20&north=50.74") == jablonec
    assert count("/map?bbox=-10,-10,-9,-9") == 0


@pytest.mark.parametrize("bbox", ["1,2,3", "a,b,c,d", "15,50,14,51", "0,0,200,1", "nan,0,1,1",
                                  "inf,0,1,1", "1,2,3,4,5"])
def test_bad_bounding_box_is_a_400(demo_client: FlaskClient, bbox: str) -> None:
    for url in (f"/map?bbox={bbox}", f"/maps/search.js?bbox={bbox}"):
        response = demo_client.get(url)
        assert response.status_code == 400 and b"bbox" in response.data


def test_datasets_in_bbox_on_both_databases(engine: Engine) -> None:
    with transaction(engine) as session:
        upsert_agent(session, PUBLISHER, kind=AgentKind.PUBLISHER, base_url=BASE_URL)
        create_dataset(session, dataset("liberec", bbox=[15.0, 50.7, 15.1, 50.8]),
                       base_url=BASE_URL)
        create_dataset(session, dataset("lipa", bbox=[14.5, 50.6, 14.6, 50.7]),
                       base_url=BASE_URL)
        create_dataset(session, dataset("nowhere", bbox=None), base_url=BASE_URL)
    with Session(engine) as session:
        slugs = {d.slug for d in datasets_in_bbox(session, BBox(15.05, 50.75, 15.5, 51.0))}
        assert slugs == {"liberec"}
        assert {d.slug for d in datasets_in_bbox(session, None)} == {"liberec", "lipa"}
    with pytest.raises(ValueError):
        BBox(15, 50, 14, 51)


def test_tiles_come_from_configuration_and_the_policy_allows_them(tmp_path: Path) -> None:
    fmap = build_map("t", Tiles("https://tiles.example.test/{z}/{x}/{y}.png", "© Example"),
                     places=[Place(50.7, 15.0, "a`${alert(1)}</script>")])
    script = map_script(fmap)
    assert "https://tiles.example.test/{z}/{x}/{y}.png" in script and "Example" in script
    assert "${alert" not in script and "</script>" not in script
    (tmp_path / "i").mkdir()
    app = create_app(make_settings(tmp_path / "i", PORTAL_MAP_TILES=(
        "https://tiles.example.test/{z}/{x}/{y}.png"), PORTAL_MAP_ATTRIBUTION="© Example"))
    policy = app.test_client().get("/healthz").headers["Content-Security-Policy"]
    assert "img-src 'self' data: https://tiles.example.test;" in policy
    with pytest.raises(ConfigurationError, match="PORTAL_MAP_ATTRIBUTION"):
        make_settings(tmp_path, PORTAL_MAP_TILES="https://tiles.example.test/{z}/{x}/{y}.png")
    with pytest.raises(ConfigurationError, match="PORTAL_MAP_TILES"):
        make_settings(tmp_path, PORTAL_MAP_TILES="javascript:alert(1)//{z}{x}{y}",
                      PORTAL_MAP_ATTRIBUTION="x")
