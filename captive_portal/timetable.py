"""Next departures from a GTFS feed: calendar.txt with calendar_dates.txt exceptions, times past
24:00 (counted from "noon minus 12 h" of the service day), in the feed's time zone."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from captive_portal.errors import WifiError

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
REQUIRED = ("stops.txt", "routes.txt", "trips.txt", "stop_times.txt")


class FeedError(WifiError):
    """The GTFS feed is missing a file or has a malformed row."""

    status = 500


@dataclass(frozen=True)
class Departure:
    when: datetime          # aware, in the feed's zone
    route: str
    headsign: str
    stop_name: str
    route_type: int


@dataclass
class Timetable:
    zone: ZoneInfo
    stop_names: dict[str, str] = field(default_factory=dict)
    # stop_id -> [(seconds after service-day noon-12h, trip_id)]
    departures: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    trips: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # route, service, sign
    routes: dict[str, tuple[str, int]] = field(default_factory=dict)      # short name, type
    weekly: dict[str, tuple[tuple[bool, ...], date, date]] = field(default_factory=dict)
    added: dict[date, set[str]] = field(default_factory=dict)
    removed: dict[date, set[str]] = field(default_factory=dict)

    def services_on(self, day: date) -> set[str]:
        running = {service for service, (days, start, end) in self.weekly.items()
                   if start <= day <= end and days[day.weekday()]}
        return (running - self.removed.get(day, set())) | self.added.get(day, set())

    def next_departures(self, stop_ids: Iterable[str], now: datetime, *, limit: int = 6,
                        horizon: timedelta = timedelta(hours=3)) -> list[Departure]:
        """The next ``limit`` departures from any of ``stop_ids`` after ``now`` (aware)."""
        now = now.astimezone(self.zone)
        found: list[tuple[datetime, str, str]] = []
        stops = [s for s in dict.fromkeys(stop_ids) if s in self.departures]
        today = now.date()
        for day in (today - timedelta(days=1), today, today + timedelta(days=1)):
            services = self.services_on(day)
            if not services:
                continue
            origin = datetime.combine(day, time(12), self.zone) - timedelta(hours=12)
            for stop in stops:
                for seconds, trip in self.departures[stop]:
                    if self.trips[trip][1] not in services:
                        continue
                    when = (origin + timedelta(seconds=seconds)).astimezone(self.zone)
                    if now <= when <= now + horizon:
                        found.append((when, trip, stop))
        found.sort()
        result = []
        for when, trip, stop in found[:limit]:
            route_id, _, headsign = self.trips[trip]
            short, kind = self.routes.get(route_id, (route_id, 3))
            result.append(Departure(when, short, headsign, self.stop_names.get(stop, stop), kind))
        return result


def _rows(files: dict[str, bytes], name: str) -> Iterator[dict[str, str]]:
    data = files.get(name)
    if data is None:
        return iter(())
    text = data.decode("utf-8-sig")
    return csv.DictReader(io.StringIO(text))


def _seconds(value: str) -> int:
    hours, minutes, seconds = (int(part) for part in value.strip().split(":"))
    return hours * 3600 + minutes * 60 + seconds


def _date(value: str) -> date:
    return datetime.strptime(value.strip(), "%Y%m%d").date()


def parse_feed(files: dict[str, bytes], *, default_zone: str = "Europe/Prague") -> Timetable:
    missing = [name for name in REQUIRED if name not in files]
    if missing:
        raise FeedError(f"the GTFS feed has no {missing[0]}")
    if "calendar.txt" not in files and "calendar_dates.txt" not in files:
        raise FeedError("the GTFS feed has neither calendar.txt nor calendar_dates.txt")
    agency = next(_rows(files, "agency.txt"), {})
    table = Timetable(zone=ZoneInfo(agency.get("agency_timezone") or default_zone))
    try:
        for row in _rows(files, "stops.txt"):
            table.stop_names[row["stop_id"]] = row.get("stop_name", "")
        for row in _rows(files, "routes.txt"):
            table.routes[row["route_id"]] = (row.get("route_short_name") or
                                             row.get("route_long_name") or row["route_id"],
                                             int(row.get("route_type") or 3))
        for row in _rows(files, "trips.txt"):
            table.trips[row["trip_id"]] = (row["route_id"], row["service_id"],
                                           row.get("trip_headsign", ""))
        for row in _rows(files, "calendar.txt"):
            days = tuple(row[day].strip() == "1" for day in WEEKDAYS)
            table.weekly[row["service_id"]] = (days, _date(row["start_date"]),
                                               _date(row["end_date"]))
        for row in _rows(files, "calendar_dates.txt"):
            target = table.added if row["exception_type"].strip() == "1" else table.removed
            target.setdefault(_date(row["date"]), set()).add(row["service_id"])
        last_stop: dict[str, tuple[int, str]] = {}
        rows: list[tuple[str, int, int, str]] = []
        for row in _rows(files, "stop_times.txt"):
            trip, sequence = row["trip_id"], int(row["stop_sequence"])
            when = row.get("departure_time") or row.get("arrival_time") or ""
            if not when.strip() or trip not in table.trips:
                continue
            rows.append((trip, sequence, _seconds(when), row["stop_id"]))
            if sequence > last_stop.get(trip, (-1, ""))[0]:
                last_stop[trip] = (sequence, row["stop_id"])
    except (KeyError, ValueError) as exc:
        raise FeedError(f"the GTFS feed has a malformed row ({exc})") from None
    for trip, sequence, seconds, stop in rows:
        if last_stop[trip][0] == sequence:
            continue  # a trip's last stop is an arrival, not a departure
        table.departures.setdefault(stop, []).append((seconds, trip))
    for entries in table.departures.values():
        entries.sort()
    return table


def read_zip(data: bytes) -> dict[str, bytes]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return {Path(name).name: archive.read(name) for name in archive.namelist()
                    if name.endswith(".txt")}
    except zipfile.BadZipFile:
        raise FeedError("the GTFS feed is not a ZIP archive") from None


def zip_folder(folder: Path) -> bytes:
    """A ZIP of the ``*.txt`` files of ``folder`` (the bundled demo feed)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.glob("*.txt")):
            archive.writestr(path.name, path.read_bytes())
    return buffer.getvalue()


def load_timetable(path: Path) -> Timetable:
    return parse_feed(read_zip(path.read_bytes()))

