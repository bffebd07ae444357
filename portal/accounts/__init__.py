"""Accounts in the web app: sign-in pages, the signed session, CSRF protection, and what other
features use: ``current_user``, ``login_required``, ``authorize`` and ``csrf_exempt``."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, Response, redirect, request, url_for
from flask_babel import gettext
from flask_wtf.csrf import CSRFError

from catalog.accounts.models import Role
from catalog.permissions import Action, NotAuthorized, can
from portal.accounts.csrf import csrf_exempt, init_csrf
from portal.accounts.mailer import build_mailer
from portal.accounts.oidc import build_oauth
from portal.accounts.session import (
    authorize,
    current_user,
    get_current_user,
    login_required,
)
from portal.accounts.state import KEY, AccountsState
from portal.state import state

__all__ = ["Action", "authorize", "can", "csrf_exempt", "current_user", "get_current_user",
           "init_accounts", "login_required"]


def role_label(role: str) -> str:
    labels = {Role.ADMIN: gettext("administrator"), Role.EDITOR: gettext("editor"),
              Role.CURATOR: gettext("curator")}
    return labels.get(Role(role), role)


def init_accounts(app: Flask) -> None:
    """Wire sessions, CSRF, the OpenID Connect clients, the mailer, the pages and their error
    pages into ``app``."""
    from portal.accounts import admin, views
    from portal.web.errors import render_error

    settings = state(app).settings
    app.config.update(SESSION_COOKIE_SECURE=settings.secure_cookies,
                      SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      PERMANENT_SESSION_LIFETIME=timedelta(hours=12))
    csrf = init_csrf(app)
    app.extensions[KEY] = AccountsState(mailer=build_mailer(settings),
                                        oauth=build_oauth(app, settings), csrf=csrf)
    app.register_blueprint(views.bp)
    app.register_blueprint(admin.bp)
    app.jinja_env.globals.update(current_user=get_current_user, can=can, Action=Action,
                                 role_label=role_label)

    @app.errorhandler(CSRFError)
    def csrf_failed(_exc: CSRFError) -> tuple[str | Response, int]:
        return render_error(400, gettext("Form refused"),
                            gettext("The form was not sent from this site or has expired. Go "
                                    "back, reload the page and send it again."))

    @app.errorhandler(NotAuthorized)
    def not_authorized(_exc: NotAuthorized) -> tuple[str | Response, int] | Response:
        if get_current_user() is None and not request.path.startswith("/api/"):
            return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
        return render_error(403, gettext("Not allowed"),
                            gettext("Your account may not do this here."))
