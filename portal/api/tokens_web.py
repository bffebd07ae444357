"""The account page where signed-in users create (shown once), list and revoke API tokens."""

from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template, request, url_for
from sqlmodel import col, select

from catalog.db import transaction
from catalog.errors import ValidationError
from catalog.models import Agent, AgentKind
from catalog.permissions import Action, can
from catalog.tokens.services import MAX_DAYS, create_token, revoke_token, tokens_of
from portal.accounts.session import authorize, get_current_user, login_required
from portal.state import db_session, state

bp = Blueprint("api_tokens", __name__)
DAY_CHOICES = (30, 90, 365)


def _writable_publishers() -> list[Agent]:
    user = authorize(Action.API_TOKEN_CREATE)
    agents = db_session().exec(select(Agent).where(Agent.kind == AgentKind.PUBLISHER)
                               .order_by(col(Agent.slug))).all()
    return [a for a in agents if can(user, Action.DATASET_CREATE, a)
            and (user.sysadmin or a.id in user.roles)]


def _page(status: int = 200, **context: object) -> tuple[str, int]:
    user = authorize(Action.API_TOKEN_CREATE)
    context.setdefault("errors", {})
    html = render_template("api_tokens/index.html", tokens=tokens_of(db_session(), user.id),
                           publishers=_writable_publishers(), day_choices=DAY_CHOICES,
                           max_days=MAX_DAYS, **context)
    return html, status


@bp.get("/account/tokens")
@login_required
def index() -> tuple[str, int]:
    return _page()


@bp.post("/account/tokens")
@login_required
def create() -> Response | tuple[str, int]:
    user = authorize(Action.API_TOKEN_CREATE)
    form = request.form
    try:
        days = int(form.get("days", "0"))
    except ValueError:
        days = 0
    chosen = {int(v) for v in form.getlist("publishers") if v.isdigit() and len(v) < 10}
    publishers = [a for a in _writable_publishers() if a.id in chosen]
    try:
        with transaction(state().engine) as session:
            issued = create_token(session, user, name=form.get("name", ""),
                                  scope=form.get("scope", ""), days=days,
                                  publishers=publishers)
            secret, name = issued.secret, issued.token.name
    except ValidationError as exc:
        return _page(400, errors={exc.field: exc.message}, form=form)
    html, status = _page(201, new_secret=secret, new_name=name)
    response = Response(html, status=status, content_type="text/html; charset=utf-8")
    response.headers["Cache-Control"] = "no-store"  # the secret is shown this once
    return response


@bp.post("/account/tokens/<int(min=1, max=2147483647):token_id>/revoke")
@login_required
def revoke(token_id: int) -> Response:
    user = get_current_user()
    with transaction(state().engine) as session:
        revoke_token(session, user, token_id)
    return redirect(url_for("api_tokens.index", revoked=1), code=303)



