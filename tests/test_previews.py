"""Distribution previews: CSV/TSV tables (delimiter, encoding incl. cp1250, the first 100 rows
read as a stream) and GeoJSON maps, fetched from a local HTTP server with the harvesters' safe
client, cached in the instance folder, failing with a notice."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from catalog.db import transaction
from catalog.models import AgentKind
from catalog.services import create_dataset, upsert_agent
from harvesters.http import HttpClient, HttpPolicy
from harvesters.previews import (
    MAX_ROWS,
    PreviewError,
    decode,
    fetch_table,
    parse_geojson,
    parse_table,
)
from portal.app import create_app
from portal.state import state
from tests.conftest import BASE_URL, make_settings
from tests.harvest_server import LocalServer, Reply
from tests.records import PUBLISHER, dataset

CZECH_CSV = "obec;počet obyvatel\nLiberec;104 802\nČeská Lípa;36 912\nŽelezný Brod;6 200\n"
GEOJSON = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"nazev": "Ještěd"},
     "geometry": {"type": "Point", "coordinates": [14.9847, 50.7324]}},
    {"type": "Feature", "properties": {"name": "Bezděz"},
     "geometry": {"type": "Point", "coordinates": [14.7216, 50.5385]}}]}


def test_cp1250_semicolon_table_is_read_with_its_diacritics() -> None:
    table = parse_table(CZECH_CSV.encode("cp1250"), complete=True)
    assert (table.delimiter, table.encoding) == (";", "cp1250")
    assert table.header == ["obec", "počet obyvatel"]
    assert table.rows[1] == ["Česká Lípa", "36 912"] and not table.truncated


def test_utf8_with_bom_tab_separated_and_a_character_cut_by_the_limit() -> None:
    data = ("\ufeffa\tb\n1\tž\n").encode()
    assert decode(data[3:-2]) == ("a\tb\n1\t", "utf-8"), "half of ž dropped, still UTF-8"
    table = parse_table(data, complete=True, tab_separated=True)
    assert table.header == ["a", "b"] and table.rows == [["1", "ž"]]
    assert table.encoding == "utf-8"


def test_only_the_first_rows_are_kept_and_a_cut_line_is_dropped() -> None:
    data = ("id,name\n" + "".join(f"{i},řádek {i}\n" for i in range(500))).encode()
    table = parse_table(data[:-3], complete=False)
    assert len(table.rows) == MAX_ROWS and table.truncated and table.rows[-1][0] == "99"
    with pytest.raises(PreviewError, match="empty"):
        parse_table(b"  \n", complete=True)


def test_geojson_is_checked_and_named() -> None:
    preview = parse_geojson(json.dumps(GEOJSON).encode())
    assert preview.features == 2 and preview.names == ["Ještěd", "Bezděz"]
    for bad in (b"{", b"[1, 2]", b'{"type": "Nonsense"}', b'{"type": "FeatureCollection"}'):
        with pytest.raises(PreviewError, match="unreadable"):
            parse_geojson(bad)


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as local:
        yield local


def test_a_large_file_is_streamed_not_downloaded(server: LocalServer) -> None:
    rows = (f"{i},{'x' * 100}\n".encode() for i in range(200_000))  # about 21 MB, no length
    server.route("/big.csv", Reply(body=rows))
    client = HttpClient(HttpPolicy(allowed_networks=("127.0.0.1/32",), retries=0,
                                   max_bytes=10 * 1024 * 1024))
    table = fetch_table(client, server.url("/big.csv"))
    assert len(table.rows) == MAX_ROWS and table.truncated


@pytest.fixture
def preview_app(tmp_path: Path, sqlite_template: Path, server: LocalServer) -> Flask:
    import shutil

    instance = tmp_path / "instance"
    instance.mkdir()
    shutil.copy(sqlite_template, instance / "portal.sqlite3")
    app = create_app(make_settings(instance, PORTAL_HARVEST_ALLOWED_NETWORKS="127.0.0.1/32",
                                   PORTAL_PREVIEW_MAX_BYTES="2000"))
    def dist(path: str, fmt: str, media: str) -> dict:
        return {"title": {"cs": path}, "access_url": server.url(path),
                "download_url": server.url(path), "format": fmt, "media_type": media,
                "license": "CC-BY-4.0"}

    with transaction(state(app).engine) as session:
        upsert_agent(session, PUBLISHER, kind=AgentKind.PUBLISHER, base_url=BASE_URL)
        create_dataset(session, dataset("nahled", distributions=[
            dist("/obce.csv", "CSV", "text/csv"),
            dist("/mista.geojson", "GEOJSON", "application/geo+json"),
            dist("/chybi.csv", "CSV", "text/csv"),
            dist("/velke.geojson", "GEOJSON", "application/geo+json"),
            dist("/data.pdf", "PDF", "application/pdf")]), base_url=BASE_URL)
    server.route("/obce.csv", Reply(CZECH_CSV.encode("cp1250")))
    server.route("/mista.geojson", Reply(json.dumps(GEOJSON).encode()))
    server.route("/velke.geojson", Reply(b'{"type": "FeatureCollection", "features": [' +
                                         b" " * 5000 + b"]}"))
    return app


def test_preview_pages_show_a_table_and_a_map_and_are_cached(preview_app: Flask,
                                                             server: LocalServer) -> None:
    client = preview_app.test_client()
    base = "/datasets/nahled/distributions"
    distribution = client.get(f"{base}/1?lang=en").get_data(as_text=True)
    assert f'href="{base}/1/preview"' in distribution and "Preview as a table" in distribution
    table = client.get(f"{base}/1/preview?lang=en").get_data(as_text=True)
    assert "<td>Česká Lípa</td>" in table and "cp1250" in table
    assert client.get(f"{base}/1/preview").status_code == 200
    assert server.hits("/obce.csv") == 1, "the second view came from the cache"
    geo = client.get(f"{base}/2/preview?lang=en").get_data(as_text=True)
    assert '<script src="/maps/previews/nahled/2.js"></script>' in geo and "Ještěd" in geo
    script = client.get("/maps/previews/nahled/2.js").get_data(as_text=True)
    assert "L.geoJson(" in script and "14.9847" in script
    assert server.hits("/mista.geojson") == 1


def test_previews_fail_gracefully(preview_app: Flask, server: LocalServer) -> None:
    client = preview_app.test_client()
    base = "/datasets/nahled/distributions"
    missing = client.get(f"{base}/3/preview?lang=en")
    assert missing.status_code == 200 and "could not be fetched" in missing.get_data(as_text=True)
    large = client.get(f"{base}/4/preview?lang=en").get_data(as_text=True)
    assert "too large to preview" in large
    assert client.get(f"{base}/5/preview").status_code == 404, "a PDF has no preview"
    assert client.get("/maps/previews/nahled/3.js").status_code == 404
    client.get(f"{base}/3/preview")
    assert server.hits("/chybi.csv") == 1, "a failure is cached for a while too"


def test_previews_refuse_internal_addresses_not_allowed(tmp_path: Path, sqlite_template: Path,
                                                        server: LocalServer) -> None:
    import shutil

    instance = tmp_path / "i"
    instance.mkdir()
    shutil.copy(sqlite_template, instance / "portal.sqlite3")
    app = create_app(make_settings(instance))  # 127.0.0.1 is not allowed by default
    with transaction(state(app).engine) as session:
        upsert_agent(session, PUBLISHER, kind=AgentKind.PUBLISHER, base_url=BASE_URL)
        create_dataset(session, dataset("nahled", distributions=[{
            "title": {"cs": "x"}, "access_url": server.url("/obce.csv"), "format": "CSV",
            "license": "CC-BY-4.0"}]), base_url=BASE_URL)
    server.route("/obce.csv", Reply(CZECH_CSV.encode("cp1250")))
    html = app.test_client().get("/datasets/nahled/distributions/1/preview?lang=en")
    assert "could not be fetched" in html.get_data(as_text=True)
    assert server.hits("/obce.csv") == 0
