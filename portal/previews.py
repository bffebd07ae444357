"""Distribution previews for the pages: which distributions can be previewed, fetching them
with the harvesters' safe HTTP client under a short policy, and a file cache in the instance
folder shared by all workers (failures are cached briefly too, so a dead server is not asked
on every view)."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import time
from contextlib import closing
from dataclasses import asdict
from pathlib import Path

from catalog import vocabularies as voc
from catalog.models import Distribution
from harvesters.http import HttpClient, HttpPolicy
from harvesters.previews import MapPreview, PreviewError, TablePreview, fetch_geojson, fetch_table
from portal.config import Settings

log = logging.getLogger(__name__)
FAILURE_SECONDS = 300
TABLE_MEDIA = {"text/csv": "csv", "text/tab-separated-values": "tsv",
               "application/geo+json": "geojson", "application/vnd.geo+json": "geojson"}


def preview_kind(dist: Distribution) -> str | None:
    """``csv``, ``tsv`` or ``geojson`` when the distribution can be previewed."""
    term = voc.by_iri(voc.FILE_TYPES, dist.format or "")
    code = term.code if term else ""
    if code in ("CSV", "TSV", "GEOJSON"):
        return code.lower()
    if dist.media_type in TABLE_MEDIA:
        return TABLE_MEDIA[dist.media_type]
    path = (dist.download_url or dist.access_url or "").lower().split("?")[0]
    for suffix, kind in ((".csv", "csv"), (".tsv", "tsv"), (".geojson", "geojson")):
        if path.endswith(suffix):
            return kind
    return None


def _client(settings: Settings, max_bytes: int) -> HttpClient:
    return HttpClient(HttpPolicy(connect_timeout=5.0, read_timeout=10.0, total_timeout=20.0,
                                 retries=0, max_bytes=max_bytes,
                                 allowed_networks=settings.harvest_allowed_networks))


def _cache_path(settings: Settings, url: str, kind: str) -> Path:
    digest = hashlib.sha256(f"{kind}\n{url}".encode()).hexdigest()
    return settings.instance_path / "previews" / f"{digest}.json"


def _read_cache(path: Path, ttl: int) -> dict | None:
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    age = time.time() - entry.get("at", 0)
    limit = FAILURE_SECONDS if "error" in entry else ttl
    return entry if age < limit else None


def _write_cache(path: Path, entry: dict) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(entry, handle, ensure_ascii=False)
        os.replace(tmp, path)  # atomic: other workers read a whole entry or none
    except OSError:
        log.warning("preview cache not writable: %s", path.parent)


def load_preview(settings: Settings, url: str, kind: str) -> TablePreview | MapPreview:
    """The preview of ``url`` (cached); raises ``PreviewError``."""
    path = _cache_path(settings, url, kind)
    entry = _read_cache(path, settings.preview_cache_seconds)
    if entry is None:
        try:
            if kind == "geojson":
                with closing(_client(settings, settings.preview_max_bytes)) as client:
                    result: TablePreview | MapPreview = fetch_geojson(client, url)
            else:
                with closing(_client(settings, settings.harvest_max_bytes)) as client:
                    result = fetch_table(client, url, tab_separated=kind == "tsv")
            entry = {"at": time.time(), "kind": kind, "data": asdict(result)}
        except PreviewError as exc:
            log.info("no preview of %s: %s", url, exc)
            entry = {"at": time.time(), "kind": kind, "error": exc.reason,
                     "detail": exc.detail}
        _write_cache(path, entry)
    if "error" in entry:
        raise PreviewError(entry["error"], entry.get("detail", ""))
    if kind == "geojson":
        return MapPreview(**entry["data"])
    return TablePreview(**entry["data"])
