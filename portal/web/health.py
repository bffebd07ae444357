"""``GET /healthz``: a liveness check of the database and the search index on every call, with
what is published counted at most once every ``COUNTS_SECONDS`` (counting is proportional to the
catalog; the probe must not be)."""

from __future__ import annotations

import time

from flask import Blueprint, Response, current_app, jsonify
from sqlmodel import Session

from captive_portal.locations import count_locations
from catalog import queries
from catalog.db import ping
from catalog.search.base import SearchUnavailable
from portal.state import db_session, state

bp = Blueprint("health", __name__)

COUNTS_SECONDS = 300.0
_COUNTS_KEY = "portal.healthz_counts"


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    body: dict[str, object] = {}
    healthy = True
    try:
        session = db_session()
        ping(session)
        body.update(_published_counts(session))
        body["database"] = "ok"
    except Exception as exc:  # any database failure is reported, not raised
        healthy = False
        body["database"] = f"error: {type(exc).__name__}"
    try:
        state().search.ping()
        body["search"] = "ok"
    except SearchUnavailable as exc:
        body["search"] = f"unavailable: {exc}"
        body["status"] = "degraded"
    body.setdefault("status", "ok" if healthy else "error")
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response, 200 if healthy else 503


def _published_counts(session: Session) -> dict[str, int]:
    """The published datasets and objects and the Wi-Fi locations, counted again once the
    app's last count is older than ``COUNTS_SECONDS``."""
    counted_at, counts = current_app.extensions.get(_COUNTS_KEY, (float("-inf"), {}))
    now = time.monotonic()
    if now - counted_at >= COUNTS_SECONDS:
        counts = {**queries.published_counts(session), "locations": count_locations(session)}
        current_app.extensions[_COUNTS_KEY] = (now, counts)
    return dict(counts)
