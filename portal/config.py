"""Every setting of the portal, declared once: environment variable, type, default, meaning.

Settings are read from ``PORTAL_*`` variables and validated when the app or the CLI starts; a
missing or inconsistent value stops start-up with a message naming the variable.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from catalog.errors import ConfigurationError

PREFIX = "PORTAL_"
PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    """The declaration of one setting."""

    name: str
    default: Any
    doc: str
    parse: Callable[[str], Any] = str

    @property
    def variable(self) -> str:
        return PREFIX + self.name.upper()


def _positive_int(value: str) -> int:
    number = int(value)
    if number <= 0:
        raise ValueError("must be a positive integer")
    return number


def _choice(*allowed: str) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if value not in allowed:
            raise ValueError(f"must be one of {', '.join(allowed)}")
        return value

    return parse


def _base_url(value: str) -> str:
    if not re.match(r"^https?://[^/\s?#]+(/[^\s?#]*)?$", value):
        raise ValueError("must be an absolute http(s) URL without query or fragment")
    return value.rstrip("/")


def _tile_url(value: str) -> str:
    if not re.match(r"^https?://[^/\s?#]+/\S*$", value) or not all(
            part in value for part in ("{z}", "{x}", "{y}")):
        raise ValueError("must be an http(s) URL template with {z}, {x} and {y}")
    return value


SETTINGS: tuple[Setting, ...] = (
    Setting("env", "development", "development or production (production requires a secret "
            "key and a database URL)", _choice("development", "production")),
    Setting("base_url", "http://127.0.0.1:8000", "public base URL; every IRI is minted from it "
            "once and never changes", _base_url),
    Setting("instance_path", "instance", "folder for the embedded database, index and uploads",
            str),
    Setting("database_url", None, "SQLAlchemy URL of the catalog database; default: SQLite file "
            "portal.sqlite3 in the instance folder; production: postgresql+psycopg://..."),
    Setting("search_backend", "embedded", "search backend: embedded (SQLite FTS5 file, no "
            "service) or meilisearch (a Meilisearch server)", _choice("embedded", "meilisearch")),
    Setting("meili_url", None, "URL of the Meilisearch server (required with "
            "PORTAL_SEARCH_BACKEND=meilisearch)", _base_url),
    Setting("meili_api_key", None, "API key of the Meilisearch server (a secret: environment "
            "only)"),
    Setting("meili_index", "portal", "name of the Meilisearch index"),
    Setting("search_path", None, "file of the embedded search index; default: search.sqlite3 in "
            "the instance folder"),
    Setting("secret_key", None, "key signing cookies; required in production (at least 32 "
            "characters), random per process in development"),
    Setting("default_locale", "cs", "language of pages when the visitor asks for none",
            _choice("cs", "en", "de", "pl")),
    Setting("translations_dir", str(PROJECT_ROOT / "translations"),
            "folder of the compiled message catalogs"),
    Setting("page_size", 20, "results per page in listings", _positive_int),
    Setting("log_level", "INFO", "logging level", _choice("DEBUG", "INFO", "WARNING", "ERROR")),
    Setting("map_tiles", None, "URL template of the map tiles, e.g. "
            "https://tiles.example.org/{z}/{x}/{y}.png (none: markers on a plain background); "
            "its host is added to the Content-Security-Policy", _tile_url),
    Setting("map_attribution", "", "attribution of the map tiles (required with "
            "PORTAL_MAP_TILES)"),
    Setting("contact_email", None, "e-mail address shown on the about page and in the "
            "accessibility statement (none by default)"),
)


@dataclass(frozen=True)
class Settings:
    """The validated configuration of one portal instance."""

    env: str
    base_url: str
    instance_path: Path
    database_url: str
    search_backend: str
    search_path: Path
    meili_url: str | None
    meili_api_key: str | None
    meili_index: str
    secret_key: str
    default_locale: str
    translations_dir: Path
    page_size: int
    log_level: str
    map_tiles: str | None
    map_attribution: str
    contact_email: str | None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read and validate every ``PORTAL_*`` variable of ``environ`` (default: os.environ)."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for setting in SETTINGS:
            raw = environ.get(setting.variable)
            if raw is None or raw == "":
                values[setting.name] = setting.default
                continue
            try:
                values[setting.name] = setting.parse(raw)
            except ValueError as exc:
                raise ConfigurationError(setting.variable, str(exc)) from None
        return cls._resolve(values)

    @classmethod
    def _resolve(cls, values: dict[str, Any]) -> Settings:
        production = values["env"] == "production"
        instance = Path(values["instance_path"]).resolve()
        values["instance_path"] = instance
        if values["database_url"] is None:
            if production:
                raise ConfigurationError(PREFIX + "DATABASE_URL",
                                         "is required when PORTAL_ENV=production")
            values["database_url"] = f"sqlite:///{instance / 'portal.sqlite3'}"
        elif not re.match(r"^(sqlite|postgresql)(\+\w+)?://", values["database_url"]):
            raise ConfigurationError(PREFIX + "DATABASE_URL",
                                     "must be a sqlite:// or postgresql:// URL")
        values["search_path"] = Path(values["search_path"] or instance / "search.sqlite3")
        if values["search_backend"] == "meilisearch" and not values["meili_url"]:
            raise ConfigurationError(PREFIX + "MEILI_URL",
                                     "is required when PORTAL_SEARCH_BACKEND=meilisearch")
        values["translations_dir"] = Path(values["translations_dir"])
        secret = values["secret_key"]
        if secret is None:
            if production:
                raise ConfigurationError(PREFIX + "SECRET_KEY",
                                         "is required when PORTAL_ENV=production")
            values["secret_key"] = secrets.token_hex(32)
        elif production and len(secret) < 32:
            raise ConfigurationError(PREFIX + "SECRET_KEY", "must be at least 32 characters")
        if values["map_tiles"] and not values["map_attribution"]:
            raise ConfigurationError(PREFIX + "MAP_ATTRIBUTION",
                                     "is required when PORTAL_MAP_TILES is set")
        return cls(**values)

    def with_overrides(self, **changes: Any) -> Settings:
        """A copy with ``changes`` applied (for tests and the CLI)."""
        current = {f.name: getattr(self, f.name) for f in fields(self)}
        current.update(changes)
        return Settings(**current)


def describe() -> list[tuple[str, str, str]]:
    """(variable, default, meaning) of every setting, for the README and ``portal config``."""
    return [(s.variable, "" if s.default is None else str(s.default), s.doc) for s in SETTINGS]
