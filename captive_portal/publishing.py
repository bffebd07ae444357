"""What the Wi-Fi reads from and gives back to the catalog: the GTFS timetable distribution the
departures come from (the demo feed is registered as one), and the hourly connection counts
published as an open dataset with a CSV distribution."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

from sqlmodel import Session, col, select

from captive_portal.models import WifiHourly, WifiLocation
from captive_portal.timetable import FeedError, parse_feed, read_zip, zip_folder
from catalog.models import AgentKind, Dataset, Distribution, RecordState
from catalog.queries import agents_by_slug
from catalog.services import upsert_agent, upsert_dataset

DEMO_FEED = Path(__file__).with_name("demo_data") / "gtfs"
DEMO_FEED_PATH = "/wifi/timetable/demo-gtfs.zip"
DEMO_TIMETABLE_SLUG = "jizdni-rady-wifi-mist-gtfs"
STATS_SLUG = "pripojeni-k-wifi-libereckeho-kraje-po-hodinach"
STATS_CSV_PATH = "/wifi/connections.csv"
REGION_PUBLISHER = {"slug": "liberecky-kraj", "name": {"cs": "Liberecký kraj",
                                                       "en": "Liberec Region"}}
REGION_RUIAN = "https://linked.cuzk.cz/resource/ruian/vusc/78"


def _ensure_region(session: Session, base_url: str) -> str:
    if not agents_by_slug(session, [str(REGION_PUBLISHER["slug"])]):
        upsert_agent(session, REGION_PUBLISHER, kind=AgentKind.PUBLISHER, base_url=base_url)
    return str(REGION_PUBLISHER["slug"])


def ensure_demo_timetable_dataset(session: Session, base_url: str) -> Dataset:
    """Register the bundled demo GTFS feed as a dataset distribution of the demo catalog."""
    url = base_url + DEMO_FEED_PATH
    record = {
        "slug": DEMO_TIMETABLE_SLUG,
        "title": {"cs": "Jízdní řád zastávek u míst s Wi-Fi (GTFS, ukázka)",
                  "en": "Timetable of the stops at the Wi-Fi locations (GTFS, demo)"},
        "description": {
            "cs": "Malý jízdní řád GTFS pro zastávky u míst regionální Wi-Fi, ze kterého "
                  "úvodní stránka Wi-Fi počítá nejbližší odjezdy. (Ukázková data.)",
            "en": "A small GTFS timetable for the stops at the regional Wi-Fi locations, from "
                  "which the Wi-Fi welcome page computes the next departures. (Demo data.)"},
        "keywords": {"cs": ["GTFS", "jízdní řád", "Wi-Fi"], "en": ["GTFS", "timetable"]},
        "publisher": _ensure_region(session, base_url),
        "themes": ["TRAN"], "spatial": [REGION_RUIAN], "frequency": "IRREG",
        "contact": {"name": "Krajský úřad Libereckého kraje", "email": "data@kraj-lbc.cz"},
        "landing_page": base_url + "/wifi/",
        "distributions": [{"title": {"cs": "GTFS (ZIP)", "en": "GTFS (ZIP)"},
                           "access_url": url, "download_url": url, "format": "ZIP",
                           "media_type": "application/zip", "license": "CC-BY-4.0"}],
    }
    dataset, _ = upsert_dataset(session, "demo:wifi-gtfs", record, base_url=base_url)
    return dataset


def ensure_stats_dataset(session: Session, base_url: str) -> Dataset:
    """The open dataset of hourly connections per location (created once, kept current)."""
    url = base_url + STATS_CSV_PATH
    record = {
        "slug": STATS_SLUG,
        "title": {"cs": "Připojení k veřejné Wi-Fi Libereckého kraje po hodinách",
                  "en": "Connections to the Liberec Region public Wi-Fi per hour"},
        "description": {
            "cs": "Počet připojení k regionální veřejné Wi-Fi za každou hodinu a každé místo. "
                  "Neobsahuje žádné osobní údaje: jen součty.",
            "en": "Number of connections to the regional public Wi-Fi per hour and location. "
                  "No personal data: totals only."},
        "keywords": {"cs": ["Wi-Fi", "statistika"], "en": ["Wi-Fi", "statistics"]},
        "publisher": _ensure_region(session, base_url),
        "themes": ["TECH", "GOVE"], "spatial": [REGION_RUIAN], "frequency": "CONT",
        "distributions": [{"title": {"cs": "Připojení po hodinách (CSV)",
                                     "en": "Connections per hour (CSV)"},
                           "access_url": url, "download_url": url, "format": "CSV",
                           "media_type": "text/csv", "license": "CC0-1.0"}],
    }
    dataset, _ = upsert_dataset(session, "wifi:connections-per-hour", record, base_url=base_url)
    return dataset


def connections_csv(session: Session) -> Iterator[str]:
    """The hourly counts as CSV lines (streamed)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["location", "hour_utc", "connections"])
    yield buffer.getvalue()
    rows = session.exec(select(WifiLocation.slug, WifiHourly.hour, WifiHourly.connections)
                        .join(WifiLocation, col(WifiLocation.id) == WifiHourly.location_id)
                        .order_by(col(WifiHourly.hour), col(WifiLocation.slug))
                        .execution_options(yield_per=500))
    for slug, hour, count in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([slug, hour.strftime("%Y-%m-%dT%H:00:00Z"), count])
        yield buffer.getvalue()


def timetable_url(session: Session, dataset_slug: str) -> str | None:
    """The download URL of the dataset's GTFS (ZIP) distribution."""
    rows = session.exec(select(Distribution).join(Dataset).where(
        Dataset.slug == dataset_slug, Dataset.state == RecordState.PUBLISHED)
        .order_by(col(Distribution.position)))
    for distribution in rows:
        if (distribution.media_type or "").endswith("zip") or \
                (distribution.format or "").endswith("/ZIP"):
            return distribution.download_url or distribution.access_url
    return None


def refresh_timetable(session: Session, dataset_slug: str, target: Path, *, base_url: str,
                      fetch: Callable[[str], bytes]) -> tuple[str, int]:
    """Download the catalog's GTFS distribution to ``target`` (checked before it replaces the
    previous copy). The demo feed, served by this portal, is read from the package instead."""
    url = timetable_url(session, dataset_slug)
    if url is None:
        raise FeedError(f"dataset {dataset_slug!r} has no published ZIP distribution", 404)
    data = zip_folder(DEMO_FEED) if url == base_url + DEMO_FEED_PATH else fetch(url)
    table = parse_feed(read_zip(data))
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".zip")
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    os.replace(temporary, target)
    return url, sum(len(v) for v in table.departures.values())


def hourly_rows(session: Session, since: datetime) -> list[tuple[str, datetime, int]]:
    return [(slug, hour, count) for slug, hour, count in session.exec(
        select(WifiLocation.slug, WifiHourly.hour, WifiHourly.connections)
        .join(WifiLocation, col(WifiLocation.id) == WifiHourly.location_id)
        .where(WifiHourly.hour >= since))]
