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
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

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
from portal.config import Settings

KEY = "wifi"
PRAGUE = ZoneInfo("Europe/Prague")
DIRECTORY_SECONDS = 15.0
CONTENT_SECONDS = 30.0


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


def fetch_url(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310
        data: bytes = response.read(200_000_000)
        return data


@dataclass
class WifiRuntime:
    settings: Settings
    controllers: dict[str, Controller]
    config: FlowConfig
    limiter: RateLimiter = field(default_factory=RateLimiter)
    clock: Callable[[], float] = time.time
    http: Any = field(default_factory=UrllibHttp)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _directory: tuple[float, Directory] | None = None
    _timetable: tuple[float, Timetable | None] | None = None
    _content: dict[str, tuple[float, LocationContent]] = field(default_factory=dict)
    _pages: dict[tuple[object, ...], tuple[float, str]] = field(default_factory=dict)

    @property
    def timetable_path(self) -> Path:
        return self.settings.instance_path / "wifi" / "timetable.zip"

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), UTC).astimezone(PRAGUE)

    def directory(self, session: Session) -> Directory:
        now = time.monotonic()
        cached = self._directory
        if cached is None or now - cached[0] > DIRECTORY_SECONDS:
            cached = (now, load_directory(session, self.settings.wifi_secrets))
            self._directory = cached
        return cached[1]

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
        now = time.monotonic()
        cached = self._content.get(slug)
        if cached is None or now - cached[0] > CONTENT_SECONDS:
            location = get_location(session, slug)
            cached = (now, location_content(session, location, now=self.now(),
                                            timetable=self.timetable(), map_title=map_title))
            self._content[slug] = cached
        return cached[1]

    def page(self, key: tuple[object, ...], render: Callable[[], str]) -> str:
        """A rendered page shell for ``key``, re-rendered every ``CONTENT_SECONDS``."""
        now = time.monotonic()
        cached = self._pages.get(key)
        if cached is None or now - cached[0] > CONTENT_SECONDS:
            cached = (now, render())
            self._pages[key] = cached
        return cached[1]

    def forget(self) -> None:
        """Drop the caches (after a registry change in the same process)."""
        self._directory = None
        self._content.clear()
        self._pages.clear()


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
