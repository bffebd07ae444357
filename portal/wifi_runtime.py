"""Per-app state of the Wi-Fi splash flow (kept in ``app.extensions["wifi"]``): controllers, rate
limiter, the injected clock and short-lived caches of the gateway directory, the timetable and
each location's content, so a train's worth of arrivals costs little."""

from __future__ import annotations

import hashlib
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from sqlmodel import Session

from captive_portal.content import LocationContent, location_content
from captive_portal.controllers.base import Controller
from captive_portal.flow import FlowConfig, build_controllers
from captive_portal.gateways import Directory, load_directory
from captive_portal.locations import get_location
from captive_portal.privacy import RateLimiter
from captive_portal.terms import TERMS_VERSION
from captive_portal.timetable import FeedError, Timetable, load_timetable
from harvesters.http import HttpClient
from portal.caching import TtlCache
from portal.config import Settings
from portal.harvesting import http_policy
from portal.i18n import REGION_TIME

KEY = "wifi"
DIRECTORY_SECONDS = 15.0
CONTENT_SECONDS = 30.0
TIMETABLE_MAX_BYTES = 200 * 1024 * 1024


class UrllibHttp:
    """The HTTP client of server-side grants (UniFi): plain urllib, short timeouts."""

    def __init__(self, timeout: float = 5.0) -> None:
        self.timeout = timeout

    def request(self, method: str, url: str, headers: Mapping[str, str],
                body: bytes | None = None) -> tuple[int, bytes]:
        req = urllib.request.Request(url, data=body, headers=dict(headers), method=method)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as response:  # noqa: S310
                return response.status, response.read(1_000_000)
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read(10_000)
        except (urllib.error.URLError, TimeoutError, OSError):
            return 599, b""


def timetable_fetch(settings: Settings) -> Callable[[str], bytes]:
    """Downloads of the GTFS feed through the harvesters' HTTP client: its guard against
    internal addresses (``PORTAL_HARVEST_ALLOWED_NETWORKS`` opens some), timeouts, retries and
    size cap (at least ``TIMETABLE_MAX_BYTES``: a region's feed is larger than most documents)."""
    policy = http_policy(settings)
    policy = replace(policy, max_bytes=max(policy.max_bytes, TIMETABLE_MAX_BYTES))

    def fetch(url: str) -> bytes:
        client = HttpClient(policy)
        try:
            return client.get(url).content
        finally:
            client.close()

    return fetch


@dataclass
class WifiRuntime:
    settings: Settings
    controllers: dict[str, Controller]
    config: FlowConfig
    limiter: RateLimiter = field(default_factory=RateLimiter)
    clock: Callable[[], float] = time.time
    http: Any = field(default_factory=UrllibHttp)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _timetable: tuple[float, Timetable | None] | None = None
    _directory: TtlCache[Directory] = field(
        default_factory=lambda: TtlCache(DIRECTORY_SECONDS))
    _content: TtlCache[LocationContent] = field(default_factory=lambda: TtlCache(CONTENT_SECONDS))
    _pages: TtlCache[str] = field(default_factory=lambda: TtlCache(CONTENT_SECONDS))

    @property
    def timetable_path(self) -> Path:
        return self.settings.instance_path / "wifi" / "timetable.zip"

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), UTC).astimezone(REGION_TIME)

    def directory(self, session: Session) -> Directory:
        return self._directory.get((), lambda: load_directory(session,
                                                               self.settings.wifi_secrets))

    def timetable(self) -> Timetable | None:
        """The downloaded GTFS feed, re-read when the file changes (`portal wifi timetable`)."""
        path = self.timetable_path
        try:
            mtime = path.stat().st_mtime
        except OSError:
            return None
        cached = self._timetable
        if cached is None or cached[0] != mtime:
            with self._lock:
                try:
                    cached = (mtime, load_timetable(path))
                except FeedError:
                    cached = (mtime, None)
                self._timetable = cached
        return cached[1]

    def content(self, session: Session, slug: str, map_title: str) -> LocationContent:
        """What the splash page of ``slug`` shows, recomputed every ``CONTENT_SECONDS``. The
        map title is the content's one translated text: each title (language) has its own."""
        return self._content.get((slug, map_title), lambda: location_content(
            session, get_location(session, slug), now=self.now(), timetable=self.timetable(),
            map_title=map_title))

    def page(self, key: tuple[object, ...], render: Callable[[], str]) -> str:
        """A rendered page shell for ``key``, re-rendered every ``CONTENT_SECONDS``."""
        return self._pages.get(key, render)

    def forget(self) -> None:
        """Drop the caches (after a registry change in the same process)."""
        for cache in (self._directory, self._content, self._pages):
            cache.clear()


def build_runtime(settings: Settings) -> WifiRuntime:
    key = hashlib.sha256(b"wifi-flow\0" + settings.secret_key.encode()).digest()
    config = FlowConfig(key=key, token_seconds=settings.wifi_token_seconds,
                        session_minutes=settings.wifi_session_minutes,
                        gateway_rate=settings.wifi_gateway_rate,
                        client_rate=settings.wifi_client_rate, terms_version=TERMS_VERSION)
    origins = [o.strip() for o in settings.wifi_grant_origins.split(",") if o.strip()]
    runtime = WifiRuntime(settings=settings, config=config, controllers={})
    runtime.controllers = build_controllers(
        base_url=settings.base_url, grant_origins=origins,
        allow_level0=settings.wifi_opennds_level0 == "allow", fallback_key=key.hex(),
        clock=lambda: runtime.clock())
    return runtime


def runtime(app: Flask | None = None) -> WifiRuntime:
    found: WifiRuntime = (app or current_app).extensions[KEY]
    return found
