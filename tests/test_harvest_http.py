"""The harvesters' HTTP client against a local server: retries, timeouts, conditional GET, size
cap, redirects and the internal-address guard."""

from __future__ import annotations

import ipaddress
import itertools
from collections.abc import Iterator

import pytest

from catalog.errors import ConfigurationError
from harvesters.errors import (
    BlockedAddress,
    FetchError,
    FetchTimeout,
    HttpStatusError,
    ResponseTooLarge,
    TooManyRedirects,
)
from harvesters.http import DEFAULT_USER_AGENT, HttpClient, HttpPolicy, Validators, is_internal
from portal.config import Settings
from portal.harvesting import http_client
from tests.harvest_server import LocalServer, Reply, Request, serve

LOOPBACK = ("127.0.0.1/32",)


@pytest.fixture
def server() -> Iterator[LocalServer]:
    yield from serve()


def client(pauses: list[float] | None = None, **policy: object) -> HttpClient:
    settings: dict[str, object] = {"allowed_networks": LOOPBACK, "backoff": 0.01,
                                   "connect_timeout": 2.0, "read_timeout": 2.0}
    settings.update(policy)
    sleep = pauses.append if pauses is not None else (lambda _s: None)
    return HttpClient(HttpPolicy(**settings), sleep=sleep)  # type: ignore[arg-type]


def test_get_returns_the_body_and_sends_a_descriptive_user_agent(server: LocalServer) -> None:
    server.route("/doc", Reply(b"hello", headers={"Content-Type": "text/plain; charset=utf-8"}))
    fetched = client().get(server.url("/doc"))
    assert (fetched.status, fetched.content, fetched.content_type) == (200, b"hello",
                                                                      "text/plain")
    assert server.requests[0].headers["User-Agent"] == DEFAULT_USER_AGENT


def test_a_5xx_is_retried_with_growing_pauses_then_succeeds(server: LocalServer) -> None:
    answers = itertools.chain([Reply(b"", 503), Reply(b"", 502)], itertools.repeat(Reply(b"ok")))
    server.route("/flaky", lambda _r: next(answers))
    pauses: list[float] = []
    fetched = client(pauses, backoff=0.01).get(server.url("/flaky"))
    assert fetched.content == b"ok"
    assert server.hits("/flaky") == 3
    assert pauses == [0.01, 0.02]


def test_retry_after_is_honoured_up_to_the_backoff_ceiling(server: LocalServer) -> None:
    answers = itertools.chain([Reply(b"", 429, {"Retry-After": "5"})],
                              itertools.repeat(Reply(b"ok")))
    server.route("/busy", lambda _r: next(answers))
    pauses: list[float] = []
    client(pauses, backoff_max=2.0).get(server.url("/busy"))
    assert pauses == [2.0]


def test_a_persistent_500_fails_after_the_configured_retries(server: LocalServer) -> None:
    server.route("/down", Reply(b"broken", 500))
    with pytest.raises(HttpStatusError) as failure:
        client(retries=2).get(server.url("/down"))
    assert failure.value.status == 500
    assert server.hits("/down") == 3


def test_a_404_is_not_retried(server: LocalServer) -> None:
    with pytest.raises(HttpStatusError, match="HTTP status 404"):
        client().get(server.url("/missing"))
    assert server.hits("/missing") == 1


def test_a_server_that_does_not_answer_in_time_is_a_timeout(server: LocalServer) -> None:
    server.route("/slow", Reply(b"late", pause=1.0))
    with pytest.raises(FetchTimeout):
        client(read_timeout=0.2, retries=1).get(server.url("/slow"))
    assert server.hits("/slow") == 2


def test_a_trickling_body_is_cut_by_the_total_timeout(server: LocalServer) -> None:
    server.route("/trickle", lambda _r: Reply((b"x" for _ in range(100)), pause=0.05))
    with pytest.raises(FetchTimeout, match="longer than"):
        client(total_timeout=0.3).get(server.url("/trickle"))


def test_conditional_get_sends_validators_and_reports_not_modified(server: LocalServer) -> None:
    def handler(request: Request) -> Reply:
        if request.headers.get("If-None-Match") == '"v1"':
            return Reply(b"", 304, {"ETag": '"v1"'})
        return Reply(b"<doc/>", headers={"ETag": '"v1"',
                                         "Last-Modified": "Wed, 21 Oct 2026 07:28:00 GMT"})

    server.route("/catalog", handler)
    http = client()
    first = http.get(server.url("/catalog"))
    assert first.validators == Validators('"v1"', "Wed, 21 Oct 2026 07:28:00 GMT")
    second = http.get(server.url("/catalog"), validators=first.validators)
    assert second.not_modified and second.content == b""
    assert server.requests[1].headers["If-Modified-Since"] == "Wed, 21 Oct 2026 07:28:00 GMT"


def test_a_declared_length_over_the_cap_is_refused_before_reading(server: LocalServer) -> None:
    server.route("/big", Reply(b"x" * 5000))
    with pytest.raises(ResponseTooLarge, match="larger than 1000 bytes"):
        client(max_bytes=1000).get(server.url("/big"))


def test_an_unannounced_endless_body_is_cut_at_the_cap(server: LocalServer) -> None:
    server.route("/endless", lambda _r: Reply(itertools.repeat(b"y" * 65536)))
    with pytest.raises(ResponseTooLarge):
        client(max_bytes=1_000_000).get(server.url("/endless"))


def test_stream_reads_the_body_piece_by_piece(server: LocalServer) -> None:
    server.route("/stream", lambda _r: Reply(iter([b"abc", b"def", b"ghi"])))
    with client().stream(server.url("/stream")) as body:
        assert body.read(4) == b"abcd"
        assert body.read() == b"efghi"


def test_redirects_are_followed_up_to_the_limit(server: LocalServer) -> None:
    server.route("/old", Reply(b"", 301, {"Location": "/new"}))
    server.route("/new", Reply(b"moved"))
    assert client().get(server.url("/old")).content == b"moved"
    server.route("/a", Reply(b"", 302, {"Location": "/b"}))
    server.route("/b", Reply(b"", 302, {"Location": "/a"}))
    with pytest.raises(TooManyRedirects):
        client(max_redirects=3).get(server.url("/a"))
    assert server.hits("/a") + server.hits("/b") == 4


def test_loopback_is_refused_unless_configured_and_nothing_is_sent(server: LocalServer) -> None:
    server.route("/doc", Reply(b"secret"))
    with pytest.raises(BlockedAddress, match="internal address 127.0.0.1"):
        client(allowed_networks=()).get(server.url("/doc"))
    assert server.requests == []


def test_a_name_resolving_to_loopback_is_refused(server: LocalServer) -> None:
    with pytest.raises(BlockedAddress):
        client(allowed_networks=()).get(f"http://localhost:{server.port}/doc")
    assert server.requests == []


def test_a_redirect_to_a_refused_address_is_stopped(server: LocalServer) -> None:
    # Only 127.0.0.1 is allowed; the redirect target 127.0.0.2 is loopback too but not allowed.
    server.route("/hop", Reply(b"", 302, {"Location": f"http://127.0.0.2:{server.port}/doc"}))
    server.route("/doc", Reply(b"secret"))
    with pytest.raises(BlockedAddress, match="127.0.0.2"):
        client().get(server.url("/hop"))
    assert server.hits("/doc") == 0


def test_only_http_and_https_urls_are_fetched() -> None:
    with pytest.raises(FetchError, match="only http and https"):
        client().get("file:///etc/passwd")


@pytest.mark.parametrize("address", ["10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
                                     "100.64.0.1", "0.0.0.0", "::1", "fe80::1", "fc00::1",
                                     "::ffff:127.0.0.1", "224.0.0.1"])
def test_internal_addresses_are_recognised(address: str) -> None:
    assert is_internal(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["8.8.8.8", "185.1.2.3", "2001:4860:4860::8888"])
def test_public_addresses_are_not_internal(address: str) -> None:
    assert not is_internal(ipaddress.ip_address(address))


def test_the_portal_settings_configure_the_client(server: LocalServer) -> None:
    server.route("/doc", Reply(b"ok"))
    settings = Settings.from_env({"PORTAL_HARVEST_ALLOWED_NETWORKS": "127.0.0.0/8, ::1/128",
                                  "PORTAL_HARVEST_MAX_BYTES": "1"})
    with pytest.raises(ResponseTooLarge):
        http_client(settings).get(server.url("/doc"))
    with pytest.raises(BlockedAddress):
        http_client(Settings.from_env({})).get(server.url("/doc"))


def test_a_malformed_allowed_network_names_the_variable() -> None:
    with pytest.raises(ConfigurationError, match="PORTAL_HARVEST_ALLOWED_NETWORKS"):
        Settings.from_env({"PORTAL_HARVEST_ALLOWED_NETWORKS": "localhost"})
