"""Atom feeds of new and updated datasets: all, one publisher's, one theme's."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_babel import gettext

from catalog import queries
from catalog import vocabularies as voc
from catalog.feeds import agent_names, recent_datasets
from catalog.models import AgentKind, Dataset
from portal.i18n import local_text
from portal.state import db_session, state

bp = Blueprint("feeds", __name__)


def atom(title: str, page_endpoint: str, datasets: list[Dataset], **page_values: str) -> Response:
    base = state().settings.base_url
    names = {agent_id: str(local_text(name)) for agent_id, name in agent_names(
        db_session(), {d.publisher_id for d in datasets}).items()}
    body = render_template(
        "feeds/atom.xml", title=title, datasets=datasets, names=names, base=base,
        self_url=base + request.path, page_url=base + url_for(page_endpoint, **page_values),
        updated=max((d.updated_at for d in datasets), default=None))
    response = Response(body, mimetype="application/atom+xml")
    response.headers["Cache-Control"] = "public, max-age=600"
    return response


@bp.get("/feeds/datasets.atom")
def datasets() -> Response:
    return atom(gettext("New and updated datasets"), "search.datasets",
                recent_datasets(db_session()))


@bp.get("/feeds/publishers/<slug:slug>.atom")
def publisher(slug: str) -> Response:
    agent = queries.agent(db_session(), slug, AgentKind.PUBLISHER)
    title = gettext("New and updated datasets: %(name)s", name=local_text(agent.name))
    return atom(title, "search.publisher", recent_datasets(db_session(), publisher_id=agent.id),
                slug=slug)


@bp.get("/feeds/themes/<code>.atom")
def theme(code: str) -> Response:
    term = voc.THEMES.get(code)
    if term is None:
        abort(404)
    title = gettext("New and updated datasets: %(name)s", name=gettext(term.label))
    return atom(title, "search.theme", recent_datasets(db_session(), theme_iri=term.iri),
                code=code)
