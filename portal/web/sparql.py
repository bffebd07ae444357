"""``GET|POST /sparql``: the read-only SPARQL endpoint over the catalog graph (the LKOD
"SPARQL" variant). Queries run in a child process killed at ``PORTAL_SPARQL_TIMEOUT``."""

from __future__ import annotations

from flask import Blueprint, Response, request
from werkzeug.exceptions import BadRequest

from catalog.sparql import (
    GRAPH_TYPES,
    RESULT_TYPES,
    SparqlSyntaxError,
    SparqlTimeout,
    SparqlUnavailable,
    SparqlUpdateRefused,
    run_query,
)
from catalog.sparql_store import current_store
from portal.accounts import csrf_exempt
from portal.state import state

bp = Blueprint("sparql", __name__)
MAX_QUERY = 100_000
ACCEPT = {media: fmt for fmt, media in RESULT_TYPES.items()} | {
    media: fmt for fmt, (media, _format) in GRAPH_TYPES.items()} | {
    "application/json": "json", "text/xml": "xml", "application/xml": "xml"}


def _text(status: int, message: str) -> Response:
    response = Response(message + "\n", status=status, mimetype="text/plain")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _query() -> str:
    if request.method == "POST":
        if request.mimetype == "application/sparql-update" or "update" in request.form:
            raise SparqlUpdateRefused("this endpoint is read-only: SPARQL updates are refused")
        if request.mimetype == "application/sparql-query":
            return request.get_data(as_text=True)
        return request.form.get("query", "")
    if "update" in request.args:
        raise SparqlUpdateRefused("this endpoint is read-only: SPARQL updates are refused")
    return request.args.get("query", "")


def _format() -> str:
    asked = request.values.get("format")
    if asked:
        if asked not in RESULT_TYPES and asked not in GRAPH_TYPES:
            raise BadRequest(f"format: use one of {', '.join([*RESULT_TYPES, *GRAPH_TYPES])}")
        return asked
    best = request.accept_mimetypes.best_match(list(ACCEPT), default=None)
    return ACCEPT[best] if best else "json"


@bp.route("/sparql", methods=["GET", "POST"])
@csrf_exempt  # a read-only API without cookies or session: nothing to forge
def endpoint() -> Response:
    settings = state().settings
    try:
        query = _query()
        if not query.strip():
            return _text(400, "query: give a SPARQL query (GET ?query= or POST)")
        if len(query) > MAX_QUERY:
            return _text(400, f"query: at most {MAX_QUERY} characters")
        fmt = _format()
        answer = run_query(current_store(settings.sparql_path), query, fmt,
                           row_cap=settings.sparql_row_cap, timeout=settings.sparql_timeout)
    except BadRequest as exc:
        return _text(400, str(exc.description))
    except (SparqlSyntaxError, SparqlUpdateRefused) as exc:
        return _text(400, f"query: {exc}")
    except SparqlTimeout as exc:
        return _text(503, str(exc))
    except SparqlUnavailable as exc:
        return _text(503, f"SPARQL is unavailable: {exc}")
    response = Response(answer.body, mimetype=answer.media_type)
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.vary.add("Accept")
    if answer.truncated:
        response.headers["X-Result-Truncated"] = f"at most {settings.sparql_row_cap} rows"
    return response
