"""CKAN-compatible Action API v3: ``/api/3/action/<name>`` and ``/api/action/<name>``.

Routing, CKAN's envelope (``help``, ``success``, ``result`` or ``error`` with ``__type``), its
status codes and its parameter conventions live here; the actions are in ``ckan_actions``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, request
from werkzeug.exceptions import RequestEntityTooLarge

from catalog.ckan_input import ckan_field
from catalog.ckan_query import SearchQueryError
from catalog.errors import NotFound, ValidationError
from catalog.search.base import SearchUnavailable
from portal.api.auth import InvalidToken, token_use
from portal.state import state

log = logging.getLogger(__name__)
bp = Blueprint("ckan_api", __name__)
MAX_BODY = 1024 * 1024  # an Action API request body larger than this is refused (413)


class ActionError(Exception):
    """An error answered inside CKAN's envelope with ``status``."""

    def __init__(self, status: int, error: dict[str, Any]) -> None:
        super().__init__(error.get("message", error.get("__type")))
        self.status = status
        self.error = error


def validation_error(**fields: str) -> ActionError:
    """CKAN's 409 Validation Error: field errors at the top level of ``error``."""
    return ActionError(409, {"__type": "Validation Error",
                             **{name: [message] for name, message in fields.items()}})


def authorization_error(message: str) -> ActionError:
    return ActionError(403, {"__type": "Authorization Error",
                             "message": f"Access denied: {message}"})


class BadRequest(Exception):
    """CKAN's bare-string 400 (unknown action, unreadable body)."""


@dataclass(frozen=True)
class Action:
    function: Callable[[dict[str, Any]], Any]
    side_effect_free: bool
    doc: str


ACTIONS: dict[str, Action] = {}


def action(*, side_effect_free: bool = True) -> Callable[[Callable[[dict[str, Any]], Any]],
                                                         Callable[[dict[str, Any]], Any]]:
    """Register a function as an action under its own name."""

    def register(function: Callable[[dict[str, Any]], Any]) -> Callable[[dict[str, Any]], Any]:
        ACTIONS[function.__name__] = Action(function, side_effect_free,
                                            (function.__doc__ or "").strip())
        return function

    return register


def _json_response(body: Any, status: int) -> Response:
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    response = Response(text, status=status, content_type="application/json;charset=utf-8")
    response.headers["Cache-Control"] = "no-cache"
    return response


def _help_url(name: str) -> str:
    return f"{state().settings.base_url}/api/3/action/help_show?name={name}"


def _bad_request(message: str) -> Response:
    return _json_response(f"Bad request: {message}", 400)


def _request_data(side_effect_free: bool) -> dict[str, Any]:
    """GET: the query string (repeated keys become lists). POST: the JSON object of the body
    (or a form), plus the query string for side-effect-free actions, as CKAN does."""
    data: dict[str, Any] = {}
    if request.method == "POST":
        if request.content_length is not None and request.content_length > MAX_BODY:
            raise RequestEntityTooLarge()
        raw = request.get_data(cache=False, as_text=False)
        if len(raw) > MAX_BODY:
            raise RequestEntityTooLarge()
        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            data.update(_flatten(request.form.to_dict(flat=False)))
        elif raw.strip():
            try:
                body = json.loads(raw)
            except (ValueError, UnicodeDecodeError) as exc:
                raise BadRequest(f"JSON Error: {exc}") from None
            if not isinstance(body, dict):
                raise BadRequest(f"Request data JSON decoded to {body!r:.80} but it needs to "
                                 "be a dictionary")
            data.update(body)
    if request.method == "GET" or side_effect_free:
        for key, values in request.args.to_dict(flat=False).items():
            data.setdefault(key, values[0] if len(values) == 1 else values)
    return data


def _flatten(form: Mapping[str, list[str]]) -> dict[str, Any]:
    return {key: values[0] if len(values) == 1 else values for key, values in form.items()}


@bp.route("/api/3/action/<path:name>", methods=["GET", "POST"])
@bp.route("/api/action/<path:name>", methods=["GET", "POST"])
def call(name: str) -> Response:
    found = ACTIONS.get(name)
    if found is None:
        return _bad_request(f"Action name not known: {name[:100]}")
    if request.method == "GET" and not found.side_effect_free:
        return _bad_request(f"Action {name} can only be called with POST")
    try:
        data = _request_data(found.side_effect_free)
    except BadRequest as exc:
        return _bad_request(str(exc))
    except RequestEntityTooLarge:
        return _json_response(f"Bad request: the request body is larger than {MAX_BODY} "
                              "bytes", 413)
    envelope: dict[str, Any] = {"help": _help_url(name)}
    try:
        token_use()  # a presented token must be valid, whatever the action
        result = found.function(data)
    except ActionError as exc:
        return _json_response({**envelope, "success": False, "error": exc.error}, exc.status)
    except InvalidToken as exc:
        error = {"__type": "Authorization Error", "message": f"Access denied: {exc}"}
        return _json_response({**envelope, "success": False, "error": error}, 403)
    except NotFound:
        error = {"__type": "Not Found Error", "message": "Not found"}
        return _json_response({**envelope, "success": False, "error": error}, 404)
    except ValidationError as exc:
        error = {"__type": "Validation Error", ckan_field(exc.field): [exc.message]}
        return _json_response({**envelope, "success": False, "error": error}, 409)
    except SearchQueryError as exc:
        error = {"__type": "Search Query Error", "message": f"Search Query is invalid: {exc}"}
        return _json_response({**envelope, "success": False, "error": error}, 400)
    except SearchUnavailable:
        log.warning("search unavailable for action %s", name, exc_info=True)
        error = {"__type": "Search Connection Error",
                 "message": "Unable to connect to the search server"}
        return _json_response({**envelope, "success": False, "error": error}, 503)
    return _json_response({**envelope, "success": True, "result": result}, 200)


@bp.get("/api")
@bp.get("/api/3")
def version() -> Response:
    return _json_response({"version": 3}, 200)


@bp.after_request
def cors(response: Response) -> Response:
    """Any site may call the API from a browser: authentication is by token header only (never
    a cookie), so an open origin exposes nothing a caller does not already hold."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = (
            "Authorization, X-CKAN-API-Key, Content-Type")
        response.headers["Access-Control-Max-Age"] = "86400"
    return response
