"""Domain errors and HTTP errors mapped to pages (or JSON for API paths), in one place."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import get_locale, gettext
from werkzeug.exceptions import HTTPException, InternalServerError, NotFound

from captive_portal.errors import WifiError
from catalog.errors import NotFound as RecordNotFound
from catalog.errors import ValidationError
from harvesters.services import ManagedBySource
from portal.i18n import LOCALES

log = logging.getLogger(__name__)


def render_error(status: int, title: str, detail: str) -> tuple[str | Response, int]:
    """An error page (JSON under /api/) with ``status``."""
    return _render(status, title, detail)


def _render(status: int, title: str, detail: str,
            headers: dict[str, str] | None = None) -> tuple[str | Response, int]:
    if request.path.startswith("/api/v1/"):
        from portal.api.problems import problem_response

        return problem_response(status, title, detail, headers=headers), status
    if request.path.startswith("/api/") or request.path == "/healthz":
        response = jsonify(error=title, detail=detail)
    else:
        response = Response(render_template("errors/error.html", status=status, title=title,
                                            detail=detail), content_type="text/html")
    response.headers.extend(headers or {})
    return response, status


def register(app: Flask) -> None:
    @app.errorhandler(RecordNotFound)
    def record_not_found(_exc: RecordNotFound) -> tuple[str | Response, int]:
        return _render(404, gettext("Not found"),
                       gettext("The page you asked for does not exist or was archived."))

    @app.errorhandler(ValidationError)
    def invalid(exc: ValidationError) -> tuple[str | Response, int]:
        return _render(400, gettext("Invalid request"), f"{exc.field}: {exc.message}")

    @app.errorhandler(ManagedBySource)
    def managed_by_source(exc: ManagedBySource) -> tuple[str | Response, int]:
        # Nothing was changed: the record belongs to its harvest source until detached.
        return _render(409, gettext("Managed by a harvest source"),
                       gettext("This record is managed by the harvest source %(source)s: "
                               "changes would be overwritten by the next harvest. An editor "
                               "can detach it from the source first.", source=exc.source))

    @app.errorhandler(WifiError)
    def wifi_refused(exc: WifiError) -> tuple[str | Response, int]:
        # Nothing was granted; the reason is safe to show (it names the parameter, not values).
        html = render_template("wifi/error.html", status=exc.status, reason=exc.reason,
                               lang=str(get_locale() or "cs"), switch=None,
                               locales=LOCALES)
        return Response(html, exc.status, headers={"Cache-Control": "no-store"}), exc.status

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> tuple[str | Response, int]:
        if isinstance(exc, NotFound):
            return _render(404, gettext("Not found"),
                           gettext("The page you asked for does not exist or was archived."))
        status = exc.code or 500
        allow = {k: v for k, v in exc.get_headers() if k in ("Allow", "Retry-After")}
        if allow:
            return _render(status, exc.name, exc.description or "", allow)
        if status == 400:
            return _render(400, gettext("Invalid request"), exc.description or "")
        return _render(status, exc.name, exc.description or "")

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> tuple[str | Response, int]:
        log.exception("unhandled error", exc_info=exc)
        return _render(InternalServerError.code, gettext("Something went wrong"),
                       gettext("The error was logged. Please try again later."))
