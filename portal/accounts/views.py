"""Sign-in pages: local accounts (register, verify, sign in and out, password reset) and
OpenID Connect providers."""

from __future__ import annotations

import logging
from typing import Any

from authlib.integrations.base_client import OAuthError
from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from catalog.accounts import services
from catalog.accounts.links import LinkProblem, LinkRefused, Purpose
from catalog.accounts.models import User
from catalog.accounts.queries import memberships_of
from catalog.db import transaction
from catalog.errors import ValidationError
from catalog.mail import Mail
from portal.accounts.messages import domain_message
from portal.accounts.oidc import claims_from_token
from portal.accounts.session import get_current_user, login_required, login_user, logout_user
from portal.accounts.state import accounts
from portal.state import db_session, state

log = logging.getLogger(__name__)
bp = Blueprint("accounts", __name__, url_prefix="/account")

LINK_PROBLEMS = {
    LinkProblem.INVALID: _l("This link is not valid. Check that you copied it whole."),
    LinkProblem.EXPIRED: _l("This link has expired. Ask for a new one."),
    LinkProblem.USED: _l("This link was already used. Ask for a new one if you need it."),
}


def _safe_next(target: str | None) -> str:
    """A local path to return to after signing in; anything else goes home."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return url_for("home.index")


def _send(user: User, purpose: Purpose) -> None:
    settings = state().settings
    token = services.link_token(settings.secret_key, user, purpose)
    if purpose is Purpose.VERIFY:
        link = settings.base_url + url_for("accounts.verify", token=token)
        mail = Mail(user.email, gettext("Confirm your e-mail address"),
                    gettext("Open this link to confirm your address for the Liberec Region "
                            "open-data portal (valid for 3 days):") + f"\n\n{link}\n")
    else:
        link = settings.base_url + url_for("accounts.reset", token=token)
        mail = Mail(user.email, gettext("Reset your password"),
                    gettext("Open this link to choose a new password (valid for one hour). "
                            "If you did not ask for it, ignore this message.") + f"\n\n{link}\n")
    accounts().mailer.send(mail)


def _mail_failed(exc: Exception) -> str:
    log.error("sending mail failed: %s", exc)
    return gettext("The e-mail could not be sent. Nothing was saved; please try again later.")


@bp.route("/register", methods=["GET", "POST"])
def register() -> str | Response:
    errors: dict[str, str] = {}
    form = request.form
    if request.method == "POST":
        try:
            with transaction(state().engine) as session:
                user = services.register_local(session, form.get("email", ""),
                                               form.get("display_name", ""),
                                               form.get("password", ""))
                _send(user, Purpose.VERIFY)  # a mail that fails undoes the registration
        except ValidationError as exc:
            errors[exc.field] = domain_message(exc.message)
        except OSError as exc:
            errors["form"] = _mail_failed(exc)
        else:
            return render_template("accounts/notice.html", title=gettext("Check your e-mail"),
                                   message=gettext("We sent a link to %(email)s. Open it to "
                                                   "confirm your address.", email=user.email))
    status = 400 if errors else 200
    return render_template("accounts/register.html", errors=errors, form=form), status


@bp.get("/verify/<token>")
def verify(token: str) -> str | tuple[str, int]:
    try:
        with transaction(state().engine) as session:
            services.verify_email(session, state().settings.secret_key, token)
    except LinkRefused as exc:
        return render_template("accounts/notice.html", title=gettext("Link refused"),
                               message=str(LINK_PROBLEMS[exc.problem])), 400
    return render_template("accounts/notice.html", title=gettext("Address confirmed"),
                           message=gettext("Thank you, your e-mail address is confirmed."))


@bp.post("/verify/resend")
@login_required
def resend() -> Response:
    user = db_session().get(User, get_current_user().id)  # type: ignore[union-attr]
    if user is not None and not user.verified:
        try:
            _send(user, Purpose.VERIFY)
            flash(gettext("We sent a new confirmation link to %(email)s.", email=user.email))
        except OSError as exc:
            flash(_mail_failed(exc))
    return redirect(url_for("accounts.profile"))


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int]:
    next_url = _safe_next(request.values.get("next"))
    error = None
    status = 200
    if request.method == "POST":
        settings = state().settings
        with transaction(state().engine) as session:
            outcome = services.authenticate(session, settings.secret_key,
                                            request.form.get("email", ""),
                                            request.form.get("password", ""),
                                            request.remote_addr or "unknown")
        if outcome.user is not None:
            login_user(outcome.user)
            return redirect(next_url)
        if outcome.problem is services.LoginProblem.RATE_LIMITED:
            error, status = gettext("Too many failed sign-ins. Wait 15 minutes and try again."), \
                429
        else:
            error, status = gettext("The e-mail address or the password is wrong."), 400
    return render_template("accounts/login.html", error=error, next_url=next_url,
                           providers=state().settings.oidc,
                           email=request.form.get("email", "")), status


@bp.post("/logout")
def logout() -> Response:
    logout_user()
    return redirect(url_for("home.index"))


@bp.route("/reset", methods=["GET", "POST"])
def reset_request() -> str | Response:
    if request.method == "POST":
        user = services.user_by_email(db_session(), request.form.get("email", ""))
        if user is not None and user.active:
            try:
                _send(user, Purpose.RESET)
            except OSError as exc:
                log.error("sending a reset link failed: %s", exc)
        # The same answer whether or not the address has an account.
        return render_template("accounts/notice.html", title=gettext("Check your e-mail"),
                               message=gettext("If an account uses this address, we sent it a "
                                               "link to choose a new password."))
    return render_template("accounts/reset_request.html")


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset(token: str) -> str | Response | tuple[str, int]:
    error = None
    if request.method == "POST":
        try:
            with transaction(state().engine) as session:
                user = services.reset_password(session, state().settings.secret_key, token,
                                               request.form.get("password", ""))
        except LinkRefused as exc:
            return render_template("accounts/notice.html", title=gettext("Link refused"),
                                   message=str(LINK_PROBLEMS[exc.problem])), 400
        except ValidationError as exc:
            error = domain_message(exc.message)
        else:
            login_user(user)
            flash(gettext("Your new password is set."))
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/reset.html", token=token, error=error), \
        400 if error else 200


@bp.get("/login/<name>")
def oidc_start(name: str) -> Any:
    client = accounts().oauth.create_client(name)
    if client is None:
        abort(404)
    callback = state().settings.base_url + url_for("accounts.oidc_callback", name=name)
    response = client.authorize_redirect(callback)
    session["oidc_next"] = _safe_next(request.args.get("next"))
    return response


@bp.get("/oidc/<name>/callback")
def oidc_callback(name: str) -> Any:
    client = accounts().oauth.create_client(name)
    if client is None:
        abort(404)
    try:
        token = client.authorize_access_token()
        claims = claims_from_token(name, token, client)
        with transaction(state().engine) as db:
            user = services.oidc_login(db, claims)
    except OAuthError as exc:
        log.warning("OpenID Connect sign-in with %s refused: %s", name, exc)
        return render_template("accounts/notice.html", title=gettext("Sign-in failed"),
                               message=gettext("The identity provider did not confirm your "
                                               "sign-in. Please try again.")), 400
    except ValidationError as exc:
        return render_template("accounts/notice.html", title=gettext("Sign-in failed"),
                               message=domain_message(exc.message)), 400
    next_url = _safe_next(session.get("oidc_next"))
    login_user(user)
    return redirect(next_url)


@bp.get("")
@login_required
def profile() -> str:
    user = get_current_user()
    assert user is not None
    return render_template("accounts/profile.html", user=user,
                           memberships=memberships_of(db_session(), user.id))
