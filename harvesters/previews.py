"""Previews of distributions, fetched with the harvesters' safe HTTP client: the first rows of a
CSV/TSV file (delimiter and encoding detected, cp1250 included, read as a stream up to a byte
cap) and a GeoJSON document (whole, up to a byte cap). Every failure is a ``PreviewError``
whose message a visitor may read."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any

from harvesters.errors import FetchError, ResponseTooLarge
from harvesters.http import HttpClient

MAX_ROWS = 100
CSV_READ_BYTES = 512 * 1024  # enough for 100 rows of any sensible table
DELIMITERS = ",;\t|"


class PreviewError(Exception):
    """The distribution cannot be previewed; ``reason`` is a short code for the page."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class TablePreview:
    header: list[str]
    rows: list[list[str]]
    delimiter: str
    encoding: str
    truncated: bool  # more rows follow in the file


@dataclass(frozen=True)
class MapPreview:
    geojson: dict[str, Any]
    features: int
    names: list[str] = field(default_factory=list)


def decode(data: bytes) -> tuple[str, str]:
    """Text and encoding: UTF-8 (with or without a BOM), else Windows-1250, the usual
    encoding of Czech spreadsheets."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3:  # a character cut by the read limit
            return data[:exc.start].decode("utf-8"), "utf-8"
    return data.decode("cp1250", errors="replace"), "cp1250"


def detect_delimiter(sample: str, tab_separated: bool = False) -> str:
    if tab_separated:
        return "\t"
    try:
        return csv.Sniffer().sniff(sample[:16384], delimiters=DELIMITERS).delimiter
    except csv.Error:
        first = sample.splitlines()[0] if sample else ""
        return max(DELIMITERS, key=first.count) if any(d in first for d in DELIMITERS) else ","


def parse_table(data: bytes, *, complete: bool, tab_separated: bool = False) -> TablePreview:
    """The first MAX_ROWS rows of ``data`` (``complete``: the whole file was read)."""
    text, encoding = decode(data)
    if not complete and "\n" in text:
        text = text[:text.rindex("\n") + 1]  # drop a line cut by the read limit
    if not text.strip():
        raise PreviewError("empty")
    delimiter = detect_delimiter(text, tab_separated)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = []
        for row in reader:
            rows.append(row)
            if len(rows) > MAX_ROWS + 1:
                break
    except csv.Error as exc:
        raise PreviewError("unreadable", str(exc)) from None
    header, body = rows[0], rows[1:]
    truncated = len(body) > MAX_ROWS or not complete
    return TablePreview(header, body[:MAX_ROWS], delimiter, encoding, truncated)


def fetch_table(client: HttpClient, url: str, *, tab_separated: bool = False) -> TablePreview:
    """Stream the start of a CSV/TSV file (at most CSV_READ_BYTES) and parse its first rows."""
    try:
        with client.stream(url) as stream:
            data = stream.read(CSV_READ_BYTES + 1)
    except FetchError as exc:
        raise PreviewError("unavailable", exc.message) from None
    complete = len(data) <= CSV_READ_BYTES
    return parse_table(data[:CSV_READ_BYTES], complete=complete, tab_separated=tab_separated)


def parse_geojson(data: bytes) -> MapPreview:
    try:
        document = json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise PreviewError("unreadable", f"not JSON: {exc}") from None
    if not isinstance(document, dict) or document.get("type") not in {
            "FeatureCollection", "Feature", "Point", "MultiPoint", "LineString",
            "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection"}:
        raise PreviewError("unreadable", "not a GeoJSON object")
    features = document.get("features") if document["type"] == "FeatureCollection" else [document]
    if not isinstance(features, list):
        raise PreviewError("unreadable", "features is not a list")
    names = []
    for feature in features[:MAX_ROWS]:
        properties = feature.get("properties") if isinstance(feature, dict) else None
        if isinstance(properties, dict):
            name = next((properties[k] for k in ("name", "nazev", "název", "NAZEV", "title")
                         if isinstance(properties.get(k), str | int | float)), None)
            if name is not None:
                names.append(str(name))
    return MapPreview(document, len(features), names)


def fetch_geojson(client: HttpClient, url: str) -> MapPreview:
    """Fetch a whole GeoJSON document (the client's size cap applies)."""
    try:
        fetched = client.get(url)
    except ResponseTooLarge as exc:
        raise PreviewError("too-large", exc.message) from None
    except FetchError as exc:
        raise PreviewError("unavailable", exc.message) from None
    return parse_geojson(fetched.content)
