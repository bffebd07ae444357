"""Administration pages: the audit log (site administrators) and an organisation's members
(its administrators)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlmodel import col, select
from werkzeug.wrappers import Response

from catalog import queries as catalog_queries
from catalog.accounts import queries, services
from catalog.accounts.models import Role, User
from catalog.db import transaction
from catalog.errors import NotFound, ValidationError
from catalog.models import Agent, AgentKind
from catalog.permissions import Action
from portal.accounts.messages import domain_message
from portal.accounts.session import authorize, login_required
from portal.state import db_session, state

bp = Blueprint("admin", __name__, url_prefix="/admin")
PAGE = 100


@bp.get("/audit")
@login_required
def audit() -> str:
    authorize(Action.AUDIT_VIEW)
    before = request.args.get("before", type=int)
    session = db_session()
    events = queries.audit_events(session, limit=PAGE, before_id=before)
    actors = {e.actor_id for e in events if e.actor_id}
    users = ({u.id: u for u in session.exec(select(User).where(col(User.id).in_(actors)))}
             if actors else {})  # one query, not one per actor
    return render_template("admin/audit.html", events=events, users=users,
                           next_before=events[-1].id if len(events) == PAGE else None)


def _organisation(slug: str) -> Agent:
    session = db_session()
    for kind in (AgentKind.PUBLISHER, AgentKind.INSTITUTION):
        try:
            return catalog_queries.agent(session, slug, kind)
        except NotFound:
            continue
    abort(404)


@bp.route("/organisations/<slug:slug>/members", methods=["GET", "POST"])
@login_required
def members(slug: str) -> str | Response | tuple[str, int]:
    agent = _organisation(slug)
    actor = authorize(Action.ORG_MANAGE_MEMBERS, agent)
    error = None
    if request.method == "POST":
        email = request.form.get("email", "")
        try:
            role = Role(request.form.get("role", ""))
            with transaction(state().engine) as session:
                user = services.user_by_email(session, email)
                if user is None:
                    raise ValidationError("email", services.NO_ACCOUNT)
                if request.form.get("remove"):
                    services.remove_membership(session, actor, user.id or 0, agent)
                else:
                    services.set_membership(session, actor, user.id or 0, agent, role)
        except ValueError:
            error = gettext("Choose a role.")
        except ValidationError as exc:
            error = domain_message(exc.message)
        except NotFound:
            error = gettext("This account is not a member.")
        else:
            flash(gettext("The members were updated."))
            return redirect(url_for("admin.members", slug=slug))
    roles = [Role.ADMIN, Role.EDITOR] if agent.kind == AgentKind.PUBLISHER else [Role.CURATOR]
    return render_template("admin/members.html", agent=agent, roles=roles, error=error,
                           members=queries.members_of(db_session(), agent.id or 0)), \
        400 if error else 200
