"""``GET /api/search/suggest?q=``: up to ten records for a search box's autocomplete, from the
same search as the pages (typo-tolerant, prefix on the last word), or from the database when
the index is down."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, jsonify, request

from catalog.search.base import KINDS, SearchQuery, SearchUnavailable
from catalog.search.fallback import database_search
from portal.i18n import local_text
from portal.state import db_session, state
from portal.web.filters import hit_url, kind_label
from portal.web.params import MAX_QUERY, InvalidParameter, clean_text

bp = Blueprint("suggest", __name__)
log = logging.getLogger(__name__)
MAX_SUGGESTIONS = 10


@bp.get("/api/search/suggest")
def suggest() -> Response:
    text = clean_text(request.args.get("q", ""))
    if len(text) > MAX_QUERY:
        raise InvalidParameter("q", f"at most {MAX_QUERY} characters")
    degraded = False
    hits = []
    if text:
        query = SearchQuery(text=text, kinds=KINDS, limit=MAX_SUGGESTIONS)
        try:
            hits = state().search.search(query).hits
        except SearchUnavailable as exc:
            log.warning("suggestions from the database, the index is down: %s", exc)
            hits = database_search(db_session(), query).hits
            degraded = True
    response = jsonify(query=text, degraded=degraded, suggestions=[
        {"title": local_text(hit.title).value, "kind": hit.kind, "kind_label": kind_label(hit.kind),
         "url": hit_url(hit)} for hit in hits[:MAX_SUGGESTIONS]])
    response.headers["Cache-Control"] = "public, max-age=60"
    return response
