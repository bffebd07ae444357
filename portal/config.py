"""Every setting of the portal, declared once: environment variable, type, default, meaning.

Settings are read from ``PORTAL_*`` variables and validated when the app or the CLI starts; a
missing or inconsistent value stops start-up with a message naming the variable.
"""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
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


def _non_negative_int(value: str) -> int:
    number = int(value)
    if number < 0:
        raise ValueError("must be zero or a positive integer")
    return number


def _networks(value: str) -> tuple[str, ...]:
    networks = tuple(part.strip() for part in value.split(",") if part.strip())
    for network in networks:
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError:
            raise ValueError(f"{network!r} is not an IP network such as 127.0.0.1/32") from None
    return networks


def _rate_limit(value: str) -> str:
    from limits import parse_many

    try:
        parse_many(value)
    except ValueError:
        raise ValueError("must be a rate such as 300/minute (several joined by ;)") from None
    return value


def _storage_url(value: str) -> str:
    if not re.match(r"^(memory://|rediss?://\S+|redis\+sentinel://\S+)$", value):
        raise ValueError("must be memory:// or a redis:// URL")
    return value


def _base_url(value: str) -> str:
    if not re.match(r"^https?://[^/\s?#]+(/[^\s?#]*)?$", value):
        raise ValueError("must be an absolute http(s) URL without query or fragment")
    return value.rstrip("/")


def _oidc_names(value: str) -> tuple[str, ...]:
    names = tuple(name.strip().lower() for name in value.split(",") if name.strip())
    for name in names:
        if not re.match(r"^[a-z][a-z0-9]{0,19}$", name):
            raise ValueError(f"{name!r} is not a provider name (letters and digits, at most 20)")
    return names


@dataclass(frozen=True)
class OidcProvider:
    """One OpenID Connect provider the portal offers for sign-in."""

    name: str
    label: str
    metadata_url: str
    client_id: str
    client_secret: str


def _oidc_providers(environ: Mapping[str, str], names: tuple[str, ...]) -> tuple[OidcProvider, ...]:
    providers = []
    for name in names:
        prefix = f"{PREFIX}OIDC_{name.upper()}_"
        values = {}
        for part in ("METADATA_URL", "CLIENT_ID", "CLIENT_SECRET"):
            if not environ.get(prefix + part):
                raise ConfigurationError(prefix + part, f"is required for the provider {name!r}")
            values[part] = environ[prefix + part]
        if not re.match(r"^https?://", values["METADATA_URL"]):
            raise ConfigurationError(prefix + "METADATA_URL", "must be an http(s) URL")
        providers.append(OidcProvider(name, environ.get(prefix + "LABEL") or name,
                                      values["METADATA_URL"], values["CLIENT_ID"],
                                      values["CLIENT_SECRET"]))
    return tuple(providers)


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
    Setting("search_backend", "embedded", "search backend: embedded (a tantivy index folder, "
            "no service) or meilisearch (a Meilisearch server)",
            _choice("embedded", "meilisearch")),
    Setting("meili_url", None, "URL of the Meilisearch server (required with "
            "PORTAL_SEARCH_BACKEND=meilisearch)", _base_url),
    Setting("meili_api_key", None, "API key of the Meilisearch server (a secret: environment "
            "only)"),
    Setting("meili_index", "portal", "name of the Meilisearch index"),
    Setting("search_path", None, "folder of the embedded search index; default: search-index in "
            "the instance folder"),
    Setting("search_synonyms", None, "search synonyms file (one group of equivalent phrases per "
            "line, separated by =); default: the bundled catalog/search/synonyms.txt"),
    Setting("secret_key", None, "key signing cookies; required in production (at least 32 "
            "characters), random per process in development"),
    Setting("default_locale", "cs", "language of pages when the visitor asks for none",
            _choice("cs", "en", "de", "pl")),
    Setting("translations_dir", str(PROJECT_ROOT / "translations"),
            "folder of the compiled message catalogs"),
    Setting("page_size", 20, "results per page in listings", _positive_int),
    Setting("log_level", "INFO", "logging level", _choice("DEBUG", "INFO", "WARNING", "ERROR")),
    Setting("oai_admin_email", "opendata@kraj-lbc.cz", "adminEmail of the OAI-PMH provider "
            "at /oai"),
    Setting("oai_page_size", 250, "records per OAI-PMH list response (then a resumption "
            "token)", _positive_int),
    # Accounts (issue 3)
    Setting("cookie_secure", "auto", "send the session cookie only over HTTPS: auto (when the "
            "base URL is https), true or false (plain http://127.0.0.1 development)",
            _choice("auto", "true", "false")),
    Setting("smtp_host", None, "SMTP server for account and notification e-mail; unset: mail is "
            "written to the log (development only)"),
    Setting("smtp_port", 25, "port of the SMTP server", _positive_int),
    Setting("smtp_user", None, "SMTP login (optional)"),
    Setting("smtp_password", None, "SMTP password (a secret: environment only)"),
    Setting("smtp_starttls", "false", "use STARTTLS with the SMTP server: true or false",
            _choice("true", "false")),
    Setting("mail_from", "portal@localhost", "sender address of the portal's e-mail"),
    Setting("oidc_providers", "", "comma-separated names of OpenID Connect providers; for each "
            "NAME set PORTAL_OIDC_<NAME>_METADATA_URL (the discovery document), "
            "PORTAL_OIDC_<NAME>_CLIENT_ID, PORTAL_OIDC_<NAME>_CLIENT_SECRET and optionally "
            "PORTAL_OIDC_<NAME>_LABEL", _oidc_names),
    Setting("upload_dir", None, "folder of uploaded distribution files; default: uploads/ in "
            "the instance folder"),
    Setting("upload_max_bytes", 50 * 1024 * 1024, "largest accepted upload in bytes",
            _positive_int),
    Setting("harvest_allowed_networks", (), "comma-separated internal IP networks harvesters may "
            "fetch from (e.g. 127.0.0.1/32 for a local test source); others are refused",
            _networks),
    Setting("harvest_timeout", 60, "seconds a harvested server may stay silent before a retry",
            _positive_int),
    Setting("harvest_retries", 3, "retries of a harvest request after a timeout or 5xx",
            _non_negative_int),
    Setting("harvest_max_bytes", 50 * 1024 * 1024, "size cap of one harvested response in bytes",
            _positive_int),
    Setting("harvest_grace_days", 7, "days a record may be missing from a fully read source "
            "before it is archived", _positive_int),
    Setting("harvest_job_timeout", 4 * 3600, "seconds after which a running harvest job is "
            "stopped (and a stuck one closed as failed)", _positive_int),
    Setting("harvest_full_every", 7, "every Nth scheduled run of an incremental source reads it "
            "completely (and may archive what disappeared)", _positive_int),
    Setting("museum_upload_max_bytes", 200 * 1024 * 1024, "largest curator upload (LIDO, CSV or "
            "zip) in bytes", _positive_int),
    Setting("museum_unpacked_max_bytes", 1024 * 1024 * 1024, "largest total a museum zip upload "
            "may unpack to, in bytes (a zip-bomb guard)", _positive_int),
    Setting("museum_dataset_publisher", "liberecky-kraj", "slug of the publisher of the museums' "
            "collection datasets in the catalog (each museum's collection is one dataset)"),
    Setting("edm_provider", "Liberecký kraj", "edm:provider of the EDM exports: the aggregator "
            "delivering to Europeana (e.g. the region, or eSbírky)"),


    Setting("map_tiles", None, "URL template of the map tiles, e.g. "
            "https://tiles.example.org/{z}/{x}/{y}.png (none: markers on a plain background); "
            "its host is added to the Content-Security-Policy", _tile_url),
    Setting("map_attribution", "", "attribution of the map tiles (required with "
            "PORTAL_MAP_TILES)"),
    Setting("preview_max_bytes", 5 * 1024 * 1024, "largest GeoJSON distribution previewed on a "
            "map, in bytes (CSV/TSV previews read only their first rows)", _positive_int),
    Setting("preview_cache_seconds", 3600, "seconds a distribution preview is kept in the "
            "instance folder's cache", _positive_int),
    Setting("contact_email", None, "e-mail address shown on the about page and in the "
            "accessibility statement (default: the OAI-PMH adminEmail)"),
    # Developer APIs (issue 10)
    Setting("api_rate_limit", "300/minute", "requests an anonymous client (one address) may "
            "make to /api/, e.g. 300/minute or 20/second;100/minute", _rate_limit),
    Setting("api_token_rate_limit", "3000/minute", "requests one API token may make to /api/",
            _rate_limit),
    Setting("ratelimit_storage_url", "memory://", "where rate-limit counters live: memory:// "
            "(one process, the embedded default) or redis://host:6379/0 (production: shared by "
            "all workers and hosts)", _storage_url),
    Setting("dumps_path", None, "folder of the bulk dumps (portal dumps build); default: dumps/ "
            "in the instance folder"),
    Setting("dumps_publisher", "liberecky-kraj", "slug of the publisher of the catalog-metadata "
            "dataset that lists the bulk dumps"),
    # Wi-Fi splash portal (issue 7). Gateway keys: PORTAL_WIFI_SECRET_<NAME>, see wifi_secrets.
    Setting("wifi_token_seconds", 900, "lifetime of the signed arrival token in the splash "
            "page's Connect form", _positive_int),
    Setting("wifi_retention_days", 30, "days the grant log is kept before `portal wifi purge` "
            "deletes it (hourly counts are kept)", _positive_int),
    Setting("wifi_session_minutes", 1440, "session length asked of gateways that take one",
            _positive_int),
    Setting("wifi_grant_origins", "https://*.network-auth.com", "comma-separated origins a "
            "Meraki base_grant_url may point to (`*.` matches any subdomain)"),
    Setting("wifi_opennds_level0", "refuse", "openNDS FAS level 0 sends the token in clear: "
            "refuse (default) or allow", _choice("refuse", "allow")),
    Setting("wifi_gateway_rate", 3000, "arrivals and grants per gateway per minute",
            _positive_int),
    Setting("wifi_client_rate", 20, "arrivals and grants per client identity per 10 minutes",
            _positive_int),
    Setting("sparql_path", None, "folder of the SPARQL endpoint's Oxigraph store; default: "
            "sparql in the instance folder"),
    Setting("sparql_timeout", 10, "seconds a SPARQL query may run before it is stopped (503)",
            _positive_int),
    Setting("sparql_row_cap", 10_000, "most result rows (or triples) one SPARQL query returns",
            _positive_int),
    Setting("harvest_upload_max_bytes", 200 * 1024 * 1024, "largest LIDO XML file a curator "
            "uploads to harvest, in bytes", _positive_int),
)

WIFI_SECRET_PREFIX = PREFIX + "WIFI_SECRET_"


@dataclass(frozen=True)
class Settings:
    """The validated configuration of one portal instance."""

    env: str
    base_url: str
    instance_path: Path
    database_url: str
    search_backend: str
    search_path: Path
    search_synonyms: Path | None
    meili_url: str | None
    meili_api_key: str | None
    meili_index: str
    secret_key: str
    default_locale: str
    translations_dir: Path
    page_size: int
    log_level: str
    cookie_secure: str = "auto"
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: str = "false"
    mail_from: str = "portal@localhost"
    oidc_providers: tuple[str, ...] = ()
    upload_dir: Path = Path("instance/uploads")
    upload_max_bytes: int = 50 * 1024 * 1024
    oidc: tuple[OidcProvider, ...] = ()
    harvest_allowed_networks: tuple[str, ...] = ()
    harvest_timeout: int = 60
    harvest_retries: int = 3
    harvest_max_bytes: int = 50 * 1024 * 1024
    harvest_grace_days: int = 7
    harvest_job_timeout: int = 4 * 3600
    harvest_full_every: int = 7
    edm_provider: str = "Liberecký kraj"
    map_tiles: str | None = None
    map_attribution: str = ""
    preview_max_bytes: int = 5 * 1024 * 1024
    preview_cache_seconds: int = 3600
    contact_email: str | None = None
    api_rate_limit: str = "300/minute"
    api_token_rate_limit: str = "3000/minute"
    ratelimit_storage_url: str = "memory://"
    dumps_path: Path | None = None
    dumps_publisher: str = "liberecky-kraj"
    oai_admin_email: str = "opendata@kraj-lbc.cz"
    oai_page_size: int = 250
    museum_upload_max_bytes: int = 200 * 1024 * 1024
    museum_dataset_publisher: str = "liberecky-kraj"
    museum_unpacked_max_bytes: int = 1024 * 1024 * 1024
    sparql_path: Path = Path("instance/sparql")
    sparql_timeout: int = 10
    sparql_row_cap: int = 10_000

    @property
    def secure_cookies(self) -> bool:
        if self.cookie_secure == "auto":
            return self.base_url.startswith("https://")
        return self.cookie_secure == "true"
    wifi_token_seconds: int = 900
    wifi_retention_days: int = 30
    wifi_session_minutes: int = 1440
    wifi_grant_origins: str = "https://*.network-auth.com"
    wifi_opennds_level0: str = "refuse"
    wifi_gateway_rate: int = 3000
    wifi_client_rate: int = 20
    # Gateway keys by NAME from PORTAL_WIFI_SECRET_<NAME> (never in the database or the repo).
    wifi_secrets: Mapping[str, str] = field(default_factory=dict, repr=False)
    harvest_upload_max_bytes: int = 200 * 1024 * 1024

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
        values["oidc_providers"] = tuple(values["oidc_providers"] or ())
        values["oidc"] = _oidc_providers(environ, values["oidc_providers"])
        values["wifi_secrets"] = {key[len(WIFI_SECRET_PREFIX):]: value
                                  for key, value in environ.items()
                                  if key.startswith(WIFI_SECRET_PREFIX) and value}
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
        values["search_path"] = Path(values["search_path"] or instance / "search-index")
        values["sparql_path"] = Path(values["sparql_path"] or instance / "sparql")
        if values["search_synonyms"] is not None:
            synonyms = Path(values["search_synonyms"])
            if not synonyms.is_file():
                raise ConfigurationError(PREFIX + "SEARCH_SYNONYMS",
                                         f"{synonyms} is not a readable file")
            values["search_synonyms"] = synonyms
        if values["search_backend"] == "meilisearch" and not values["meili_url"]:
            raise ConfigurationError(PREFIX + "MEILI_URL",
                                     "is required when PORTAL_SEARCH_BACKEND=meilisearch")
        values["translations_dir"] = Path(values["translations_dir"])
        values["upload_dir"] = Path(values["upload_dir"] or instance / "uploads")
        values["dumps_path"] = Path(values["dumps_path"] or instance / "dumps")
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
