"""The controller interface: a gateway's redirect (``RawQuery``) becomes an ``Arrival`` bound to a
registered gateway, and an accepted arrival becomes a ``Grant`` done the controller's way."""

from __future__ import annotations

import enum
import ipaddress
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlsplit

from captive_portal.errors import ArrivalRefused

MAX_QUERY_BYTES = 8192
MAX_VALUE_CHARS = 2048
MAC_RE = re.compile(r"^[0-9a-f]{2}([:-]?)[0-9a-f]{2}(\1[0-9a-f]{2}){4}$", re.IGNORECASE)


@dataclass(frozen=True)
class GatewayRecord:
    """A registered gateway with its key resolved from configuration (never from the database)."""

    id: int
    location_id: int
    location_slug: str
    controller: str
    identifier: str
    secret: str | None = field(default=None, repr=False)
    password: str | None = field(default=None, repr=False)
    options: Mapping[str, Any] = field(default_factory=dict)


class GatewayDirectory(Protocol):
    def find(self, controller: str, identifier: str) -> GatewayRecord | None: ...

    def of_controller(self, controller: str) -> Sequence[GatewayRecord]: ...


@dataclass(frozen=True)
class RawQuery:
    """A redirect's query string: the raw text (some gateways sign or encode it as is) and its
    parameters, decoded strictly (UTF-8 only, bounded sizes, the first of repeated names)."""

    raw: str
    params: Mapping[str, str]

    @classmethod
    def parse(cls, query: bytes | str) -> RawQuery:
        data = query.encode("latin-1") if isinstance(query, str) else query
        if len(data) > MAX_QUERY_BYTES:
            raise ArrivalRefused(f"the query string is longer than {MAX_QUERY_BYTES} bytes", 414)
        try:
            raw = data.decode("ascii")
            pairs = parse_qsl(raw, keep_blank_values=True, encoding="utf-8", errors="strict",
                              max_num_fields=100)
        except UnicodeDecodeError:
            raise ArrivalRefused("the query string is not valid UTF-8") from None
        except ValueError:
            raise ArrivalRefused("the query string has too many parameters") from None
        params: dict[str, str] = {}
        for name, value in pairs:
            if len(value) > MAX_VALUE_CHARS:
                raise ArrivalRefused(f"parameter {name[:40]!r} is longer than "
                                     f"{MAX_VALUE_CHARS} characters", 414)
            if any(ord(ch) < 32 and ch not in "\t" for ch in value):
                raise ArrivalRefused(f"parameter {name[:40]!r} contains control characters")
            params.setdefault(name, value)
        return cls(raw=raw, params=params)

    def require(self, *names: str) -> list[str]:
        missing = [name for name in names if not self.params.get(name)]
        if missing:
            raise ArrivalRefused(f"missing parameter {missing[0]!r}")
        return [self.params[name] for name in names]

    def raw_value(self, name: str) -> str | None:
        """The undecoded value of ``name`` ('+' kept: openNDS puts base64 in the URL as is)."""
        for part in self.raw.split("&"):
            key, _, value = part.partition("=")
            if key == name:
                return value
        return None


@dataclass(frozen=True)
class Arrival:
    """A client sent to the splash page. ``gateway`` is None for an unknown gateway (generic
    content, no grant). ``client`` (hid or MAC) is transient: only keyed hashes of it are kept."""

    controller: str
    gateway: GatewayRecord | None
    client: str | None = field(default=None, repr=False)
    handle: Mapping[str, str] = field(default_factory=dict, repr=False)
    original_url: str | None = None
    lang: str | None = None
    already: bool = False
    location_hint: str | None = None


class GrantKind(enum.StrEnum):
    REDIRECT = "redirect"  # the browser goes to a gateway URL carrying a proof
    SERVER = "server"      # the portal called the controller; the browser lands on our page
    POLL = "poll"          # the gateway collects the grant (openNDS authmon)


@dataclass(frozen=True)
class PendingAuth:
    gatewayhash: str
    rhid: str
    entry: str


@dataclass(frozen=True)
class Grant:
    kind: GrantKind
    url: str
    pending: PendingAuth | None = None
    once: tuple[str, ...] = ()  # values that must never be granted twice (hid, challenge)


class HttpClient(Protocol):
    def request(self, method: str, url: str, headers: Mapping[str, str],
                body: bytes | None = None) -> tuple[int, bytes]: ...


@dataclass(frozen=True)
class GrantContext:
    landing_url: str
    session_minutes: int
    http: HttpClient | None = None


class Controller(Protocol):
    name: str

    def parse(self, query: RawQuery, gateways: GatewayDirectory) -> Arrival: ...

    def grant(self, handle: Mapping[str, str], gateway: GatewayRecord,
              context: GrantContext) -> Grant: ...


def normalise_mac(value: str, name: str) -> str:
    """``aa:bb:cc:dd:ee:ff`` from any of the usual spellings; anything else is refused."""
    if not MAC_RE.match(value.strip()):
        raise ArrivalRefused(f"parameter {name!r} is not a MAC address")
    digits = re.sub(r"[^0-9a-f]", "", value.lower())
    return ":".join(digits[i:i + 2] for i in range(0, 12, 2))


def private_host_port(value: str, name: str) -> str:
    """``ip:port`` of a gateway on the local network (never a public host: no open redirect)."""
    host, sep, port = value.rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise ArrivalRefused(f"parameter {name!r} must be ip:port")
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        raise ArrivalRefused(f"parameter {name!r} must be an IP address and port") from None
    if not (address.is_private or address.is_link_local) or address.is_loopback:
        raise ArrivalRefused(f"parameter {name!r} is not a local-network address", 403)
    return f"{host}:{int(port)}"


def origin_allowed(url: str, patterns: Sequence[str]) -> bool:
    """Whether ``url``'s scheme and host (and port) match an allow-list entry such as
    ``https://*.network-auth.com``."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return False
    if parts.username or parts.password or not parts.hostname:
        return False
    host = parts.hostname.lower()
    for pattern in patterns:
        allowed = urlsplit(pattern.strip())
        if allowed.scheme != parts.scheme or not allowed.hostname:
            continue
        if (allowed.port or None) != (port or None):
            continue
        wanted = allowed.hostname.lower()
        if wanted.startswith("*."):
            if host.endswith(wanted[1:]) and len(host) > len(wanted) - 1:
                return True
        elif host == wanted:
            return True
    return False


def text_url(value: str | None) -> str | None:
    """An original URL for display as text only (never followed): bounded and http(s)."""
    if not value or len(value) > 300 or not re.match(r"^https?://", value, re.IGNORECASE):
        return None
    return value
