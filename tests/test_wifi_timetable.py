"""Departures from GTFS: weekly calendar with calendar_dates exceptions, trips past 24:00, the
Europe/Prague zone across a DST change, and the feed taken from the catalog's distribution."""

from __future__ import annotations

import io
import shutil
import zipfile
from datetime import datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from captive_portal.publishing import (
    DEMO_FEED,
    DEMO_TIMETABLE_SLUG,
    ensure_demo_timetable_dataset,
    refresh_timetable,
)
from captive_portal.timetable import FeedError, load_timetable, parse_feed, read_zip, zip_folder
from catalog.db import transaction
from catalog.models import Dataset
from catalog.services import upsert_dataset
from portal.app import create_app
from portal.state import state
from portal.wifi_cli import wifi
from portal.wifi_runtime import runtime, timetable_fetch
from tests.conftest import BASE_URL, make_settings
from tests.wifi_gateways import http_server, origin

PRAGUE = ZoneInfo("Europe/Prague")


def feed(**files: str) -> dict[str, bytes]:
    base = {
        "agency.txt": "agency_id,agency_name,agency_url,agency_timezone\nA,Test,http://a,"
                      "Europe/Prague\n",
        "stops.txt": "stop_id,stop_name\nS1,Station\nS2,Terminus\n",
        "routes.txt": "route_id,route_short_name,route_type\nR,7,3\n",
        "trips.txt": "route_id,service_id,trip_id,trip_headsign\nR,WD,t-day,Day\nR,WD,t-night,"
                     "Night\nR,SUN,t-sun,Sunday\n",
        "stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
                          "t-day,05:00:00,05:00:00,S1,1\nt-day,05:30:00,05:30:00,S2,2\n"
                          "t-night,25:10:00,25:10:00,S1,1\nt-night,25:40:00,25:40:00,S2,2\n"
                          "t-sun,09:00:00,09:00:00,S1,1\nt-sun,09:20:00,09:20:00,S2,2\n",
        "calendar.txt": "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,"
                        "start_date,end_date\nWD,1,1,1,1,1,0,0,20260101,20271231\n"
                        "SUN,0,0,0,0,0,0,1,20260101,20271231\n",
        "calendar_dates.txt": "service_id,date,exception_type\nWD,20261228,2\nSUN,20261228,1\n",
    }
    base.update(files)
    return {name: text.encode() for name, text in base.items()}


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=PRAGUE)


def test_weekday_service_runs_on_weekdays_only() -> None:
    table = parse_feed(feed())
    monday = table.next_departures(["S1"], at(2026, 11, 30, 4, 0))
    assert [(d.when.hour, d.when.minute, d.headsign) for d in monday] == [(5, 0, "Day")]
    sunday = table.next_departures(["S1"], at(2026, 11, 29, 8, 0))
    assert [(d.when.hour, d.headsign) for d in sunday] == [(9, "Sunday")]


def test_calendar_dates_remove_and_add_a_service() -> None:
    table = parse_feed(feed())
    # Monday 28 Dec 2026 runs the Sunday timetable (removed WD, added SUN).
    found = table.next_departures(["S1"], at(2026, 12, 28, 4, 0), horizon=_hours(8))
    assert [d.headsign for d in found] == ["Sunday"]


def test_times_past_24_00_belong_to_the_previous_service_day() -> None:
    table = parse_feed(feed())
    # 25:10 of Friday's service is Saturday 01:10; Saturday has no WD service of its own.
    found = table.next_departures(["S1"], at(2026, 12, 5, 0, 30))
    assert [(d.when.day, d.when.hour, d.when.minute, d.headsign) for d in found] == \
        [(5, 1, 10, "Night")]


def test_the_last_stop_of_a_trip_is_not_a_departure() -> None:
    table = parse_feed(feed())
    assert table.next_departures(["S2"], at(2026, 11, 30, 4, 0)) == []


def test_service_day_times_count_from_noon_minus_12h_across_dst() -> None:
    table = parse_feed(feed())
    # 29 Mar 2027 (Monday after the spring change): 05:00 local is 03:00 UTC.
    spring = table.next_departures(["S1"], at(2027, 3, 29, 4, 0))
    assert spring[0].when.utcoffset().total_seconds() == 7200
    assert (spring[0].when.hour, spring[0].when.minute) == (5, 0)
    # On the day of the change itself (Sunday 28 Mar 2027) the service day starts at 23:00 CET
    # the evening before: 09:00:00 is 09:00 CEST (counting from local midnight gives 10:00).
    change_day = table.next_departures(["S1"], at(2027, 3, 28, 8, 0))
    assert (change_day[0].when.hour, change_day[0].when.minute) == (9, 0)
    assert change_day[0].headsign == "Sunday"


def test_demo_feed_runs_the_weekend_timetable_on_christmas_eve() -> None:
    table = load_timetable_from(DEMO_FEED)
    thursday = table.next_departures(["U5001Z2"], at(2026, 12, 17, 10, 0), limit=3)
    christmas = table.next_departures(["U5001Z2"], at(2026, 12, 24, 10, 0), limit=3)
    gaps = [(b.when - a.when).seconds // 60 for a, b in zip(thursday, thursday[1:], strict=False)]
    assert gaps == [10, 10]  # tram 3 every 10 minutes on working days
    gaps = [(b.when - a.when).seconds // 60 for a, b in zip(christmas, christmas[1:], strict=False)]
    assert gaps == [20, 20]  # and every 20 minutes on 24 December


def load_timetable_from(folder: Path):
    return parse_feed(read_zip(zip_folder(folder)))


@pytest.mark.parametrize("broken,message", [
    ({"stop_times.txt": None}, "stop_times.txt"),
    ({"stop_times.txt": "trip_id,departure_time,stop_id,stop_sequence\nt-day,5h,S1,1\n"},
     "malformed"),
])
def test_a_broken_feed_is_refused_with_the_reason(broken: dict, message: str) -> None:
    files = feed()
    for name, text in broken.items():
        if text is None:
            files.pop(name)
        else:
            files[name] = text.encode()
    with pytest.raises(FeedError, match=message):
        parse_feed(files)


def _hours(n: int):
    from datetime import timedelta

    return timedelta(hours=n)


def gtfs_handler() -> type[BaseHTTPRequestHandler]:
    """A server of one GTFS archive (``feed()``) at every path."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as out:
        for name, data in feed().items():
            out.writestr(name, data)
    payload = archive.getvalue()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "application/zip")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    return Handler


def add_gtfs_dataset(session: Session, url: str, base_url: str) -> Dataset:
    """The demo timetable dataset (and its publisher) and ``jizdni-rady-test`` whose ZIP
    distribution is at ``url``."""
    dataset = ensure_demo_timetable_dataset(session, base_url)
    record = {"slug": "jizdni-rady-test", "title": {"cs": "Jízdní řády"},
              "description": {"cs": "GTFS"}, "publisher": "liberecky-kraj",
              "distributions": [{"access_url": url, "download_url": url,
                                 "media_type": "application/zip", "format": "ZIP"}]}
    upsert_dataset(session, "test:gtfs", record, base_url=base_url)
    return dataset


def test_timetable_comes_from_the_catalog_distribution_over_http(engine: Engine,
                                                                 tmp_path: Path) -> None:
    base_url = "https://data.example-kraj.test"
    with http_server(gtfs_handler()) as server, transaction(engine) as session:
        dataset = add_gtfs_dataset(session, origin(server) + "/gtfs.zip", base_url)
        url, count = refresh_timetable(
            session, "jizdni-rady-test", tmp_path / "timetable.zip", base_url=base_url,
            fetch=timetable_fetch(make_settings(tmp_path,
                                                PORTAL_HARVEST_ALLOWED_NETWORKS="127.0.0.1/32")))
        assert dataset.slug == DEMO_TIMETABLE_SLUG
    assert url.startswith(origin(server)) and count == 3
    assert load_timetable(tmp_path / "timetable.zip").stop_names["S1"] == "Station"


@pytest.mark.parametrize("allowed", ["", "127.0.0.1/32"])
def test_timetable_download_refuses_internal_addresses_unless_configured(
        tmp_path: Path, sqlite_template: Path, allowed: str) -> None:
    instance = tmp_path / "instance"
    instance.mkdir()
    shutil.copy(sqlite_template, instance / "portal.sqlite3")
    env = {"PORTAL_HARVEST_ALLOWED_NETWORKS": allowed} if allowed else {}
    app = create_app(make_settings(instance, **env))
    with http_server(gtfs_handler()) as server:
        with transaction(state(app).engine) as session:
            add_gtfs_dataset(session, origin(server) + "/gtfs.zip", BASE_URL)
        result = app.test_cli_runner().invoke(wifi, ["timetable", "--dataset",
                                                     "jizdni-rady-test"])
    saved = runtime(app).timetable_path
    if allowed:
        assert result.exit_code == 0, result.output
        assert "3 departures" in result.output and saved.exists()
    else:
        assert result.exit_code == 2
        assert "refused to connect to internal address 127.0.0.1" in result.output
        assert not saved.exists()


def test_demo_feed_serves_both_directions_at_a_through_station() -> None:
    table = load_timetable_from(DEMO_FEED)
    found = table.next_departures(["U5501Z301"], at(2026, 11, 27, 8, 20), limit=2)
    assert [(d.when.strftime("%H:%M"), d.route, d.headsign) for d in found] == \
        [("08:28", "L1", "Semily"), ("08:29", "L1", "Liberec")]
