"""Errors of the harvesters: a fetch or parse failure of a whole source, or of one record.

Each message is written for a data steward reading a job report; ``url`` says where it happened.
"""

from __future__ import annotations


class HarvestError(Exception):
    """Base of every error a harvester raises on purpose."""


class FetchError(HarvestError):
    """A document could not be fetched; ``url`` is the address that failed."""

    def __init__(self, url: str, message: str) -> None:
        super().__init__(f"{message} ({url})")
        self.url = url
        self.message = message


class BlockedAddress(FetchError):
    """The host resolves to a private, loopback, link-local or otherwise internal address that
    the configuration does not allow."""


class ResponseTooLarge(FetchError):
    """The response is larger than the configured size cap."""


class TooManyRedirects(FetchError):
    """The redirect chain is longer than the configured limit."""


class FetchTimeout(FetchError):
    """The server did not answer (or finish answering) in time."""


class HttpStatusError(FetchError):
    """The server answered with an error status."""

    def __init__(self, url: str, status: int) -> None:
        super().__init__(url, f"HTTP status {status}")
        self.status = status


class ParseError(HarvestError):
    """A document is not what the source type promised (malformed XML/RDF/JSON, HTML instead of
    RDF, a protocol error)."""


class UnsafeXml(ParseError):
    """An XML document uses a construct refused for safety (entity declarations: billion laughs,
    quadratic blowup, external entities)."""


class RecordError(HarvestError):
    """One record could not be mapped; the rest of the source goes on."""
