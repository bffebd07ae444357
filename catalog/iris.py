"""Minting of the catalog's IRIs: once, from the configured public base URL, then stored.

An IRI is never recomputed from a request's host: a record keeps its IRI for life.
"""

from __future__ import annotations

import uuid
from urllib.parse import quote


def mint(base_url: str, *segments: str | int) -> str:
    """``base_url`` + the path made of ``segments`` (each percent-encoded as a path segment)."""
    path = "/".join(quote(str(segment), safe="") for segment in segments)
    return f"{base_url.rstrip('/')}/{path}"


def placeholder() -> str:
    """A unique stand-in for an IRI minted from an id the database has not assigned yet: unique,
    so concurrent writers never wait on each other's unique-index entry."""
    return f"urn:uuid:{uuid.uuid4()}"
