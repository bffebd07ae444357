"""``GET /healthz``: the state of the database and the search index, and what is published."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from captive_portal.locations import count_locations
from catalog import queries
from catalog.search.base import SearchUnavailable
from portal.state import db_session, state

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    body: dict[str, object] = {}
    healthy = True
    try:
        session = db_session()
        counts = queries.published_counts(session)
        counts["locations"] = count_locations(session)
        body.update(counts)
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
