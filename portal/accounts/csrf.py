"""CSRF protection of every form: Flask-WTF's CSRFProtect (a small, maintained library) checks
a token bound to the signed session on every unsafe request except the token-only API paths and
views marked with ``csrf_exempt`` (a cookie-less form that uses no session, such as a splash
page)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, current_app, request
from flask_wtf.csrf import CSRFProtect

from portal.accounts.session import TOKEN_ONLY_PREFIXES

F = TypeVar("F", bound=Callable[..., Any])
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def csrf_exempt(view: F) -> F:
    """Mark a view that must accept forms without a session (it must not read the session)."""
    view.csrf_exempt = True  # type: ignore[attr-defined]
    return view


def init_csrf(app: Flask) -> CSRFProtect:
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)
    # A form may be filled in for a long time: the token lives as long as the session.
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    csrf = CSRFProtect(app)

    @app.before_request
    def check_csrf() -> None:
        if request.method not in UNSAFE or request.path.startswith(TOKEN_ONLY_PREFIXES):
            return
        view = current_app.view_functions.get(request.endpoint or "")
        if view is not None and getattr(view, "csrf_exempt", False):
            return
        csrf.protect()

    return csrf
