"""The one HTTP client of the harvesters: timeouts, retries with backoff, conditional GET, a size
cap on streamed bodies, a redirect limit and a guard against internal addresses.

Built on requests because Sickle (the OAI-PMH client) is built on it: every harvester, OAI-PMH
included, goes through this client and its guard. The guard checks the address each connection is
actually opened to (after DNS resolution, for every redirect hop and every retry), so a public
name that resolves to 127.0.0.1 or 169.254.169.254 is refused as surely as a literal one.
"""

from __future__ import annotations

import email.utils
import ipaddress
import logging
import socket
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3 import exceptions as urllib3_exceptions
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util import connection as urllib3_connection

from harvesters.errors import (
    BlockedAddress,
    FetchError,
    FetchTimeout,
    HttpStatusError,
    ResponseTooLarge,
    TooManyRedirects,
)

log = logging.getLogger(__name__)

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

DEFAULT_USER_AGENT = ("LiberecRegionPortal-Harvester/1.0 "
                      "(open-data portal of the Liberec Region; harvests DCAT, CKAN, OAI-PMH)")
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
CHUNK = 64 * 1024


@dataclass(frozen=True)
class HttpPolicy:
    """How the client behaves; built from the portal's settings (never from the environment)."""

    user_agent: str = DEFAULT_USER_AGENT
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    total_timeout: float = 600.0  # a whole response, so a trickling server cannot hold a job
    retries: int = 3
    backoff: float = 1.0  # first pause; doubled after each failed attempt
    backoff_max: float = 60.0
    max_bytes: int = 50 * 1024 * 1024  # ckanext-dcat's default per response
    max_redirects: int = 5
    # Internal addresses allowed anyway (tests and the demo allow loopback explicitly).
    allowed_networks: tuple[str, ...] = ()

    def networks(self) -> tuple[IpNetwork, ...]:
        return tuple(ipaddress.ip_network(n, strict=False) for n in self.allowed_networks)


@dataclass(frozen=True)
class Validators:
    """What a server said about a document's version, for the next conditional GET."""

    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


@dataclass(frozen=True)
class Fetched:
    """A fetched document (the whole body, at most ``max_bytes``)."""

    url: str
    status: int
    headers: Mapping[str, str]
    content: bytes
    not_modified: bool = False

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "").split(";")[0].strip().lower()

    @property
    def validators(self) -> Validators:
        return Validators(self.headers.get("ETag"), self.headers.get("Last-Modified"))

    def text(self) -> str:
        charset = _charset(self.headers.get("Content-Type", "")) or "utf-8"
        return self.content.decode(charset, errors="replace")


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.lower() == "charset" and value:
            return value.strip('"').strip()
    return None


def is_internal(address: IpAddress) -> bool:
    """Whether ``address`` is not a public unicast address (loopback, private, link-local,
    carrier-grade NAT, multicast, reserved, unspecified; IPv4-mapped IPv6 unwrapped)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast


@dataclass(frozen=True)
class AddressGuard:
    """Refuses connections to internal addresses outside ``allowed``."""

    allowed: tuple[IpNetwork, ...] = ()

    def permits(self, address: IpAddress) -> bool:
        if not is_internal(address):
            return True
        return any(address.version == net.version and address in net for net in self.allowed)

    def check(self, host: str, address: str) -> None:
        ip = ipaddress.ip_address(address.split("%")[0])
        if not self.permits(ip):
            raise BlockedAddress(host, f"refused to connect to internal address {ip} "
                                       f"(allow it with PORTAL_HARVEST_ALLOWED_NETWORKS)")


def _guarded_connection(base: type[HTTPConnection], guard: AddressGuard) -> type[HTTPConnection]:
    """A urllib3 connection class that resolves the host itself and connects only to addresses
    the guard permits (no TCP packet is ever sent to a refused address)."""

    def _new_conn(self: HTTPConnection) -> socket.socket:
        host = self._dns_host
        try:
            infos = socket.getaddrinfo(host, self.port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise NameResolutionError(self.host, self, exc) from exc
        permitted: list[str] = []
        first_refusal: BlockedAddress | None = None
        for info in infos:
            address = str(info[4][0])
            try:
                guard.check(self.host, address)
            except BlockedAddress as exc:
                first_refusal = first_refusal or exc
                continue
            permitted.append(address)
        if not permitted:
            assert first_refusal is not None
            raise first_refusal
        last: OSError | None = None
        for address in permitted:
            try:
                return urllib3_connection.create_connection(
                    (address, self.port), self.timeout, source_address=self.source_address,
                    socket_options=self.socket_options)
            except TimeoutError as exc:
                raise ConnectTimeoutError(
                    self, f"Connection to {self.host} timed out. "
                          f"(connect timeout={self.timeout})") from exc
            except OSError as exc:
                last = exc
        raise NewConnectionError(self, f"Failed to establish a new connection: {last}")

    return type(f"Guarded{base.__name__}", (base,), {"_new_conn": _new_conn})


class _GuardedAdapter(HTTPAdapter):
    def __init__(self, guard: AddressGuard) -> None:
        self._guard = guard
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        http_pool = type("GuardedHTTPPool", (HTTPConnectionPool,), {
            "ConnectionCls": _guarded_connection(HTTPConnection, self._guard)})
        https_pool = type("GuardedHTTPSPool", (HTTPSConnectionPool,), {
            "ConnectionCls": _guarded_connection(HTTPSConnection, self._guard)})
        self.poolmanager.pool_classes_by_scheme = {"http": http_pool, "https": https_pool}


@dataclass
class HttpClient:
    """Fetches documents for the harvesters under one ``HttpPolicy``."""

    policy: HttpPolicy = field(default_factory=HttpPolicy)
    sleep: Callable[[float], None] = time.sleep
    session: requests.Session = field(init=False, repr=False)

    def __post_init__(self) -> None:
        session = requests.Session()
        session.trust_env = False  # no proxy or netrc from the environment: configuration only
        session.max_redirects = self.policy.max_redirects
        session.headers["User-Agent"] = self.policy.user_agent
        adapter = _GuardedAdapter(AddressGuard(self.policy.networks()))
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        self.session = session

    def close(self) -> None:
        self.session.close()

    def get(self, url: str, *, params: Mapping[str, str] | None = None,
            headers: Mapping[str, str] | None = None,
            validators: Validators | None = None) -> Fetched:
        """GET ``url`` whole (at most ``max_bytes``), retrying transient failures. With
        ``validators`` a 304 answer gives ``Fetched(not_modified=True)``."""
        return self.request("GET", url, params=params, headers=headers, validators=validators)

    def post(self, url: str, *, data: Mapping[str, str],
             headers: Mapping[str, str] | None = None) -> Fetched:
        return self.request("POST", url, data=data, headers=headers)

    def request(self, method: str, url: str, *, params: Mapping[str, str] | None = None,
                data: Mapping[str, str] | None = None, headers: Mapping[str, str] | None = None,
                validators: Validators | None = None) -> Fetched:
        with self._open(method, url, params=params, data=data, headers=headers,
                        validators=validators) as response:
            if response.status_code == 304:
                return Fetched(response.url, 304, dict(response.headers), b"", not_modified=True)
            content = b"".join(self._chunks(response))
            return Fetched(response.url, response.status_code, dict(response.headers), content)

    @contextmanager
    def stream(self, url: str, *, params: Mapping[str, str] | None = None,
               headers: Mapping[str, str] | None = None,
               validators: Validators | None = None) -> Iterator[CappedStream]:
        """GET ``url`` as a file-like stream (for ``lxml.etree.iterparse``); the size cap and
        the total timeout apply while it is read. With ``validators`` a 304 answer gives an
        empty stream whose ``not_modified`` is true."""
        with self._open("GET", url, params=params, headers=headers,
                        validators=validators) as response:
            found = Validators(response.headers.get("ETag"),
                               response.headers.get("Last-Modified"))
            if response.status_code == 304:
                yield CappedStream(iter(()), validators=found, not_modified=True)
                return
            yield CappedStream(self._chunks(response), validators=found)

    @contextmanager
    def _open(self, method: str, url: str, *, params: Mapping[str, str] | None = None,
              data: Mapping[str, str] | None = None, headers: Mapping[str, str] | None = None,
              validators: Validators | None = None) -> Iterator[requests.Response]:
        if urlsplit(url).scheme not in ("http", "https"):
            raise FetchError(url, "only http and https URLs can be harvested")
        all_headers = dict(headers or {})
        if validators:
            all_headers.update(validators.headers())
        attempt = 0
        while True:
            try:
                response = self._send(method, url, params, data, all_headers)
            except FetchTimeout:
                if attempt >= self.policy.retries:
                    raise
                self._pause(attempt, None, url, "timeout")
                attempt += 1
                continue
            except _Transient as exc:
                if attempt >= self.policy.retries:
                    raise FetchError(url, exc.message) from None
                self._pause(attempt, None, url, exc.message)
                attempt += 1
                continue
            if response.status_code in RETRY_STATUSES and attempt < self.policy.retries:
                retry_after = response.headers.get("Retry-After")
                response.close()
                self._pause(attempt, retry_after, url, f"HTTP {response.status_code}")
                attempt += 1
                continue
            break
        try:
            if response.status_code >= 400:
                raise HttpStatusError(response.url or url, response.status_code)
            length = response.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > self.policy.max_bytes:
                raise ResponseTooLarge(response.url or url, self._too_large())
            yield response
        finally:
            response.close()

    def _send(self, method: str, url: str, params: Mapping[str, str] | None,
              data: Mapping[str, str] | None, headers: Mapping[str, str]) -> requests.Response:
        timeout = (self.policy.connect_timeout, self.policy.read_timeout)
        try:
            return self.session.request(method, url, params=params, data=data, headers=headers,
                                        timeout=timeout, stream=True, allow_redirects=True)
        except BlockedAddress as exc:
            raise BlockedAddress(url, exc.message) from None
        except requests.TooManyRedirects:
            raise TooManyRedirects(url, f"more than {self.policy.max_redirects} redirects") \
                from None
        except requests.Timeout:
            raise FetchTimeout(url, "the server did not answer in time") from None
        except requests.ConnectionError as exc:
            blocked = _blocked_cause(exc)
            if blocked is not None:
                raise BlockedAddress(url, blocked.message) from None
            raise _Transient(f"connection failed: {_reason(exc)}") from None
        except requests.RequestException as exc:
            raise FetchError(url, f"request failed: {exc}") from None

    def _chunks(self, response: requests.Response) -> Iterator[bytes]:
        # read1 returns what has arrived: the size cap and the deadline are checked as bytes
        # come, not after a 64 KiB buffer fills (a trickling server would defeat both).
        received = 0
        deadline = time.monotonic() + self.policy.total_timeout
        url = response.url
        raw = response.raw
        try:
            while True:
                chunk = raw.read1(CHUNK, decode_content=True)
                if not chunk:
                    return
                received += len(chunk)
                if received > self.policy.max_bytes:
                    raise ResponseTooLarge(url, self._too_large())
                if time.monotonic() > deadline:
                    raise FetchTimeout(url, f"the response took longer than "
                                            f"{self.policy.total_timeout:g} s")
                yield chunk
        except urllib3_exceptions.ReadTimeoutError:
            raise FetchTimeout(url, "the server stopped sending in time") from None
        except urllib3_exceptions.DecodeError:
            raise FetchError(url, "the response's compression is broken") from None
        except (urllib3_exceptions.HTTPError, OSError) as exc:
            raise FetchError(url, f"the response was cut off: {_reason(exc)}") from None

    def _too_large(self) -> str:
        return f"the response is larger than {self.policy.max_bytes} bytes"

    def _pause(self, attempt: int, retry_after: str | None, url: str, why: str) -> None:
        delay = min(self.policy.backoff * 2 ** attempt, self.policy.backoff_max)
        wanted = _retry_after_seconds(retry_after)
        if wanted is not None:
            delay = min(max(delay, wanted), self.policy.backoff_max)
        log.info("retrying %s in %.2f s after %s", url, delay, why)
        self.sleep(delay)


class _Transient(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _blocked_cause(exc: BaseException) -> BlockedAddress | None:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, BlockedAddress):
            return seen
        for arg in getattr(seen, "args", ()):
            if isinstance(arg, BaseException):
                found = _blocked_cause(arg)
                if found is not None:
                    return found
        reason = getattr(seen, "reason", None)
        if isinstance(reason, BlockedAddress):
            return reason
        seen = seen.__cause__ or seen.__context__
    return None


def _reason(exc: BaseException) -> str:
    text = str(exc)
    return text if len(text) < 200 else text[:200] + "…"


def _retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())


class CappedStream:
    """A read-only file-like view of a response body (already capped by the client)."""

    def __init__(self, chunks: Iterator[bytes], *, validators: Validators | None = None,
                 not_modified: bool = False) -> None:
        self.validators = validators or Validators()
        self.not_modified = not_modified
        self._chunks = chunks
        self._buffer = b""
        self._done = False

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            rest = self._buffer + b"".join(self._chunks)
            self._buffer = b""
            self._done = True
            return rest
        while len(self._buffer) < size and not self._done:
            try:
                self._buffer += next(self._chunks)
            except StopIteration:
                self._done = True
        out, self._buffer = self._buffer[:size], self._buffer[size:]
        return out
