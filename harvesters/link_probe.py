"""The link checker's HTTP side on the harvesters' safe client: HEAD first, a ranged GET when
the server refuses HEAD; the same address guard, timeouts and redirect limit as harvesting."""

from __future__ import annotations

from collections.abc import Mapping

from catalog.quality.links import ProbeResult
from harvesters.errors import FetchError, HttpStatusError, ResponseTooLarge
from harvesters.http import HttpClient, HttpPolicy

# Servers that do not implement HEAD answer with one of these; a ranged GET then decides.
HEAD_REFUSED = {400, 403, 405, 501}
LINK_CHECK_USER_AGENT = ("LiberecRegionPortal-LinkChecker/1.0 "
                         "(open-data portal of the Liberec Region; checks catalog links)")


def link_check_policy(allowed_networks: tuple[str, ...] = (), timeout: float = 20.0) -> HttpPolicy:
    """Short timeouts, one retry, a 1 MiB cap: a link check reads headers, not files."""
    return HttpPolicy(user_agent=LINK_CHECK_USER_AGENT, connect_timeout=min(timeout, 10.0),
                      read_timeout=timeout, total_timeout=timeout * 2, retries=1, backoff=1.0,
                      max_bytes=1024 * 1024, allowed_networks=allowed_networks)


class HttpLinkProber:
    """A ``catalog.quality.links.LinkProber`` on ``HttpClient``."""

    def __init__(self, client: HttpClient) -> None:
        self.client = client

    def probe(self, url: str) -> ProbeResult:
        try:
            head = self.client.request("HEAD", url)
            return ProbeResult(True, head.status, _type(head.headers), _size(head.headers))
        except HttpStatusError as exc:
            if exc.status not in HEAD_REFUSED:
                return ProbeResult(False, exc.status, error=exc.message)
        except FetchError as exc:
            return ProbeResult(False, None, error=exc.message)
        try:
            got = self.client.request("GET", url, headers={"Range": "bytes=0-0"})
            size = _size(got.headers)
            if got.status == 206:
                total = (_header(got.headers, "Content-Range") or "").rpartition("/")[2]
                size = int(total) if total.isdigit() else None
            return ProbeResult(True, got.status, _type(got.headers), size)
        except ResponseTooLarge:
            return ProbeResult(True, 200, error=None)  # it answered, with a large body
        except HttpStatusError as exc:
            return ProbeResult(False, exc.status, error=exc.message)
        except FetchError as exc:
            return ProbeResult(False, None, error=exc.message)


def _header(headers: Mapping[str, str], name: str) -> str | None:
    wanted = name.lower()
    return next((v for k, v in headers.items() if k.lower() == wanted), None)


def _type(headers: Mapping[str, str]) -> str | None:
    value = _header(headers, "Content-Type")
    return value.split(";")[0].strip().lower() if value else None


def _size(headers: Mapping[str, str]) -> int | None:
    value = _header(headers, "Content-Length")
    return int(value) if value and value.isdigit() else None
